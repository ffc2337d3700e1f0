// dtoken: the command line. main() only dispatches to a command and turns errors into exit codes.
#include <boost/program_options.hpp>
#include <iostream>
#include <string>

#include "cli.h"
#include "dtoken/version.h"

namespace po = boost::program_options;

namespace dtoken::cli {
namespace {

constexpr std::string_view overview =
    "dtoken " DTOKEN_VERSION_STRING
    " - offline toolkit for Dynatrace access tokens\n"
    "\n"
    "Usage: dtoken [--help] [--version] <command> [<options>] [<arguments>]\n"
    "\n"
    "Commands:\n"
    "  validate   check candidate tokens against a profile (documented, strict, family)\n"
    "  inspect    show the parts, type and per-profile verdict of one token\n"
    "  generate   write synthetic tokens: valid, invalid or embedded in files\n"
    "  vectors    write the test-vector set to a directory\n"
    "  scan       find tokens in files, directories and standard input\n"
    "  redact     mask tokens in text: a filter, or files rewritten in place\n"
    "\n"
    "Run 'dtoken <command> --help' for the options of a command.\n"
    "\n"
    "Exit codes: 0 success (all valid), 1 some candidate invalid, 2 usage error, 3 I/O error.\n";

int run(int argc, char** argv) {
  // Options before the command are global (--help, --version); everything from the command on
  // belongs to the command, so that `dtoken validate --help` is the command's help.
  int command_index = 1;
  while (command_index < argc && argv[command_index][0] == '-') ++command_index;

  po::options_description global("Global options");
  global.add_options()("help,h", "show this help and exit")("version", "show the version and exit");
  po::variables_map options;
  po::store(po::command_line_parser(command_index, argv).options(global).run(), options);

  if (options.count("version")) {
    std::cout << "dtoken " DTOKEN_VERSION_STRING "\n";
    return exit_ok;
  }
  if (options.count("help")) {
    std::cout << overview;
    return exit_ok;
  }
  if (command_index == argc) throw usage_error("no command given");

  const std::string command = argv[command_index];
  const arguments rest(argv + command_index + 1, argv + argc);
  if (command == "validate") return run_validate(rest, std::cin, std::cout, std::cerr);
  if (command == "inspect") return run_inspect(rest, std::cout);
  if (command == "generate") return run_generate(rest, std::cout, std::cerr);
  if (command == "vectors") return run_vectors(rest, std::cout, std::cerr);
  if (command == "scan") return run_scan(rest, std::cin, std::cout, std::cerr);
  if (command == "redact") return run_redact(rest, std::cin, std::cout, std::cerr);
  if (command == "help") {
    std::cout << overview;
    return exit_ok;
  }
  throw usage_error("unknown command '" + command + "'");
}

}  // namespace
}  // namespace dtoken::cli

int main(int argc, char** argv) {
  using namespace dtoken::cli;
  std::ios::sync_with_stdio(false);
  try {
    const int code = run(argc, argv);
    std::cout.flush();
    if (!std::cout) {
      std::cerr << "dtoken: cannot write the output\n";
      return exit_io;
    }
    return code;
  } catch (const usage_error& error) {
    std::cerr << "dtoken: " << error.what() << "\nTry 'dtoken --help'.\n";
  } catch (const po::error& error) {
    std::cerr << "dtoken: " << error.what() << "\nTry 'dtoken --help'.\n";
  }
  return exit_usage;
}
