// dtoken redact: masks tokens in text, as a filter from standard input (or files) to standard
// output, or rewriting files in place atomically.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <span>
#include <vector>

#include "cli.h"
#include "dtoken/redact.h"
#include "dtoken/version.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace dtoken::cli {
namespace {

constexpr const char* usage =
    "Usage: dtoken redact [--profile P] [--mode mask_secret|mask_token|digest] [--line-buffered]\n"
    "                     [--in-place] [FILE ...]\n"
    "\n"
    "Masks every token in standard input (or each FILE) and writes the result to standard output.\n"
    "The family profile, the default, masks every real token type (the 8-character ActiveGate\n"
    "and OAuth client IDs too); documented masks what the published regex matches.\n"
    "mask_secret (the default) keeps the token ID and turns each secret byte into '*'; mask_token\n"
    "masks the whole token; digest keeps the token ID and replaces the secret with sha256: and\n"
    "16 hex digits of the token's SHA-256, the same for the same token in every log. Nothing\n"
    "else changes; with mask_secret and mask_token the output is as long as the input.\n"
    "A token written in base64 or percent-encoding (as dtoken scan finds it) is masked with its\n"
    "whole encoded run, byte for byte with '*', in every mode; --no-decode leaves such runs.\n"
    "--line-buffered writes each line as soon as it is read (for tail -f app.log | dtoken "
    "redact);\n"
    "on a terminal it is the default.\n"
    "--in-place rewrites each FILE atomically: a temporary file beside it, fsync, then rename, so "
    "a\n"
    "crash never leaves a half-written file.\n"
    "\n"
    "Exit codes: 0 done, 2 usage error, 3 I/O error (a file could not be read or written).\n";

struct stream_sink {
  std::ostream* out;
  static void write(void* context, std::string_view bytes) noexcept {
    auto* self = static_cast<stream_sink*>(context);
    self->out->write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
};

// Feeds `segment` (whole lines, or a cut of a line over 1 MiB) to the redactor, its encoded runs
// masked first when `decode`.
void redact_segment(redactor& filter, std::span<char> segment, profile rules, bool decode,
                    stream_sink& sink) {
  if (decode) mask_encoded(segment, rules);
  filter.feed(std::string_view(segment.data(), segment.size()), &stream_sink::write, &sink);
}

// Redacts `in` to `out` in whole lines read 1 MiB at a time (constant memory: a line longer than
// 1 MiB is cut, and an encoded run across the cut is not masked), or line by line.
bool redact_stream(std::istream& in, std::ostream& out, profile rules, redact_mode mode,
                   bool line_buffered, bool decode) {
  redactor filter(rules, mode);
  stream_sink sink{&out};
  if (line_buffered) {
    // A token never spans a newline, so each line can be settled and written at once.
    std::string line;
    while (std::getline(in, line)) {
      if (!in.eof()) line += '\n';
      redact_segment(filter, line, rules, decode, sink);
      filter.finish(&stream_sink::write, &sink);
      out.flush();
    }
    return !in.bad() && static_cast<bool>(out);
  }
  constexpr std::size_t block = 1 << 20;
  std::string pending;  // read, not yet redacted: a partial last line
  while (in) {
    const std::size_t kept = pending.size();
    pending.resize(kept + block);
    in.read(pending.data() + kept, static_cast<std::streamsize>(block));
    pending.resize(kept + static_cast<std::size_t>(in.gcount()));
    const std::size_t last_newline = pending.rfind('\n');
    // Whole lines go now; a partial line waits for its end, unless it has grown past a block.
    const std::size_t cut = last_newline != std::string::npos ? last_newline + 1
                            : pending.size() > block          ? pending.size()
                                                              : 0;
    if (cut == 0) continue;
    redact_segment(filter, std::span<char>(pending.data(), cut), rules, decode, sink);
    pending.erase(0, cut);
  }
  redact_segment(filter, pending, rules, decode, sink);
  filter.finish(&stream_sink::write, &sink);
  out.flush();
  return !in.bad() && static_cast<bool>(out);
}

// Rewrites `path` atomically: redact into a temporary file in the same directory (same file
// system, so rename is atomic), fsync it, give it the original's permissions, rename it over.
std::string redact_in_place(const std::string& path, profile rules, redact_mode mode, bool decode) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::strerror(errno);
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return std::strerror(errno);
  const fs::path target(path);
  // Built with append(): GCC 12 warns falsely (-Wrestrict) on chained operator+ at -O3.
  std::string name = ".";
  name.append(target.filename().string()).append(".dtoken-XXXXXX");
  std::string temporary = (target.parent_path() / name).string();
  const int fd = ::mkstemp(temporary.data());
  if (fd < 0) return std::string("cannot create a temporary file: ") + std::strerror(errno);
  bool ok = false;
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    ok = out && redact_stream(in, out, rules, mode, false, decode);
    out.close();
    ok = ok && static_cast<bool>(out);
  }
  ok = ok && ::fchmod(fd, info.st_mode & 07777) == 0 && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    std::remove(temporary.c_str());
    return "cannot rewrite: " + reason;
  }
  return {};
}

}  // namespace

int run_redact(const arguments& args, std::istream& in, std::ostream& out, std::ostream& err) {
  std::string profile_name = "family";
  std::string mode_name = "mask_secret";
  bool line_buffered = false;
  bool in_place = false;
  bool no_decode = false;
  std::vector<std::string> files;
  po::options_description described("Options");
  described.add_options()("help,h", "show this help and exit")(
      "profile,p", po::value(&profile_name)->default_value(profile_name),
      "family (every real token type), documented (the published regex) or strict")(
      "mode,m", po::value(&mode_name)->default_value(mode_name),
      "mask_secret, mask_token or digest")("line-buffered", po::bool_switch(&line_buffered),
                                           "write each line as soon as it is read")(
      "in-place,i", po::bool_switch(&in_place), "rewrite each FILE atomically")(
      "no-decode", po::bool_switch(&no_decode),
      "do not mask tokens inside base64 or percent-encoding");
  if (!parse_arguments(args, described, &files, usage, out)) return exit_ok;
  const profile rules = parse_profile(profile_name);
  const auto mode = redact_mode_from_string(mode_name);
  if (!mode)
    throw usage_error("unknown mode '" + mode_name +
                      "' (choose mask_secret, mask_token or digest)");
  if (in_place && files.empty()) throw usage_error("--in-place needs at least one FILE");
  // On a terminal, a person watches (tail -f app.log | dtoken redact): each line at once.
  if (&out == &std::cout && ::isatty(STDOUT_FILENO) == 1) line_buffered = true;

  if (files.empty()) {
    if (!redact_stream(in, out, rules, *mode, line_buffered, !no_decode)) {
      err << "dtoken redact: cannot read standard input or write the output\n";
      return exit_io;
    }
    return exit_ok;
  }
  int status = exit_ok;
  for (const std::string& path : files) {
    if (in_place) {
      if (const std::string problem = redact_in_place(path, rules, *mode, !no_decode);
          !problem.empty()) {
        err << "dtoken redact: " << path << ": " << problem << '\n';
        status = exit_io;
      }
      continue;
    }
    std::ifstream file(path, std::ios::binary);
    if (!file || !redact_stream(file, out, rules, *mode, line_buffered, !no_decode)) {
      err << "dtoken redact: " << path << ": " << (file ? "read error" : std::strerror(errno))
          << '\n';
      status = exit_io;
    }
  }
  return status;
}

}  // namespace dtoken::cli
