// dtoken scan: finds tokens in files, directories and standard input.
#include <fcntl.h>
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <limits>
#include <memory>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <vector>

#include "cli.h"
#include "dtoken/scan.h"
#include "dtoken/version.h"
#include "git_history.h"
#include "mapped_file.h"
#include "progress.h"
#include "scan_config.h"
#include "scan_files.h"
#include "scan_filters.h"
#include "scan_paths.h"
#include "scan_report.h"
#include "scan_roots.h"

namespace po = boost::program_options;

namespace dtoken::cli {
namespace {

constexpr const char* usage =
    "Usage: dtoken scan [--profile P] [--format text|json|jsonl|sarif] [--show-secret]\n"
    "                   [--baseline FILE] [--write-baseline FILE] [--allow TOKEN_ID]... [PATH "
    "...]\n"
    "       dtoken scan --git [--log-opts 'REVISIONS'] [OPTIONS] [REPOSITORY]\n"
    "       dtoken scan --staged [OPTIONS] [REPOSITORY]\n"
    "\n"
    "--git scans the history: every blob the commits of REVISIONS (default --all) brought in,\n"
    "each read once; a finding names the commit that brought its token into that path, its\n"
    "author and date. --staged scans what the index brings in against HEAD (the pre-commit\n"
    "hook runs it).\n"
    "\n"
    "Finds tokens of every real type (--profile family, the default; --profile documented finds\n"
    "exactly what the published regex matches, as grep does) in each PATH: a file, a directory\n"
    "(recursively, skipping .git, binary files and what .gitignore ignores), or - for standard\n"
    "input. Without PATH it scans the current directory. --max-size skips larger files, each\n"
    "with a note (a warning, and an incomplete scan, for a file named on the command line), and\n"
    "stops reading a stream (standard input, a pipe, a device) there, with a warning. A file\n"
    "named on the command line is scanned even if it looks binary; --binary scans the binary\n"
    "files of directories too.\n"
    "Prints each finding with path, line, column, type and token ID; never the secret unless\n"
    "--show-secret. Not reported: a finding on a line with 'dtoken:allow' within 4 KiB of the\n"
    "token, one whose token ID is given with --allow, and one whose fingerprint is in the\n"
    "--baseline file. --write-baseline records every finding (but the allowed) as known, instead\n"
    "of reporting them. Fingerprints and baselines name paths from the root of the git\n"
    "repository (or the scanned directory), however PATH is written. A marked fixture (dtoken\n"
    "generate --marked) is skipped and counted, unless --fixtures report. On a terminal, a\n"
    "summary line ends the scan. Settings may come from .dtoken.toml at the scan root (the\n"
    "repository's root, or the scanned directory): profile, exclude, allow, fixtures, baseline\n"
    "and max-size; the command line wins, and --exclude and --allow add to the file's.\n"
    "Tokens written in base64 (standard or URL-safe, at any alignment: a Kubernetes Secret's\n"
    "data, .dockerconfigjson, HTTP Basic credentials) or percent-encoding are found too, each\n"
    "marked with its encoding; its offset and length are those of the whole encoded run.\n"
    "--no-decode finds plain tokens only.\n"
    "\n"
    "Exit codes: 0 nothing found (or a baseline written), 1 tokens found (--exit-code changes\n"
    "it), 2 usage error or an incomplete scan (a path could not be read: each gets a warning on\n"
    "stderr, the scan goes on).\n";

// Reads what is available, up to `buffer.size()` bytes: from standard input directly (so that a
// pipe's data is scanned as it comes, not once 1 MiB has arrived), else from `in`.
std::size_t read_some(std::istream& in, std::vector<char>& buffer, bool& failed) {
  if (&in == &std::cin) {
    for (;;) {
      const ssize_t got = ::read(STDIN_FILENO, buffer.data(), buffer.size());
      if (got < 0 && errno == EINTR) continue;
      failed = got < 0;
      return got > 0 ? static_cast<std::size_t>(got) : 0;
    }
  }
  in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  failed = in.bad();
  return static_cast<std::size_t>(in.gcount());
}

// What the report counts: the findings reported, and every finding for --write-baseline.
struct report_tally {
  std::size_t reported = 0;
  std::size_t fixtures_skipped = 0;
  std::size_t files = 0;
  const char* unit = "file";  // what `files` counts
  std::uint64_t bytes = 0;
  bool record_seen = false;  // --write-baseline
  std::vector<baseline_entry> seen;
};

// Reports one finding: recorded for --write-baseline; written unless its fingerprint is known
// (or the run writes a baseline instead of a report).
void report(report_writer& writer, report_tally& tally, const scan_options& options,
            const report_item& item) {
  if (tally.record_seen) {
    tally.seen.push_back({std::string(item.fingerprint), std::string(item.identity),
                          item.found.line, std::string(item.found.token_id())});
    return;
  }
  if (options.known->contains(item.fingerprint)) return;
  writer.add(item);
  ++tally.reported;
}

// Reports the findings of a file from `from` on.
void report_findings(report_writer& writer, report_tally& tally, const scan_options& options,
                     const file_result& file, std::size_t from) {
  for (std::size_t k = from; k < file.findings.size(); ++k) {
    const std::string_view print =
        options.fingerprints ? std::string_view(file.prints[k].data(), file.prints[k].size())
                             : std::string_view();
    report(writer, tally, options,
           {file.path, file.identity, file.findings[k], print, file.fixture[k] != 0});
  }
}

// Standard input, scanned after the files, on this thread, and written as it streams (and
// flushed after each finding, but in one-document formats).
file_result scan_standard_input(std::istream& in, report_writer& writer,
                                const scan_options& options, report_tally& tally) {
  occurrence_counter occurrences;
  const auto read = [&in](std::vector<char>& buffer, bool& failed) {
    return read_some(in, buffer, failed);
  };
  std::size_t fixtures_skipped = 0;
  file_result result = scan_stream("-", read, options, [&](const finding& found) {
    const auto fixture = fixture_verdict(found, options, fixtures_skipped);
    if (!fixture) return;
    fingerprint_text print{};
    std::string_view shown;
    if (options.fingerprints) {
      fingerprint("-", found.token_id(), occurrences.next(found.token_id()), print);
      shown = std::string_view(print.data(), print.size());
    }
    report(writer, tally, options, {"-", "-", found, shown, *fixture});
    if (writer.streams()) writer.flush();
  });
  result.fixtures_skipped = fixtures_skipped;
  return result;
}

// What the command line asked for.
struct scan_settings {
  scan_options options;
  output_format format = output_format::text;
  bool show_secret = false;
  bool no_ignore = false;
  std::uint64_t found_code = 1;
  std::uint64_t threads = 0;
  progress_mode progress = progress_mode::automatic;
  std::string baseline_path;
  std::string write_baseline_path;
  std::vector<std::string> excludes;  // globs (scan_config.h), the config file's and --exclude's
  std::vector<std::string> paths;
  bool git = false;                      // --git: the history of the repository PATH
  bool staged = false;                   // --staged: what the index brings in
  std::vector<std::string> log_options;  // --log-opts, checked
};

// --allow takes token IDs: a whole token (it holds a secret) or anything else is refused. The
// message never shows a secret.
void check_allowed_id(const std::string& id) {
  const std::size_t first_dot = id.find('.');
  const std::size_t second_dot =
      first_dot == std::string::npos ? std::string::npos : id.find('.', first_dot + 1);
  const std::string id_part = id.substr(0, second_dot);
  const bool id_shaped = is_valid(id_part + "." + std::string(secret_length, 'A'), profile::family);
  if (id_shaped && second_dot != std::string::npos) {
    throw usage_error("--allow takes a token ID, and '" + id_part +
                      ".***' holds a secret: give its ID alone, '" + id_part + "'");
  }
  if (!id_shaped) {
    throw usage_error(
        "--allow takes a token ID: the prefix, '.' and the public part, as in "
        "dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX; not '" +
        display_form(id, 0, 48) + "'");
  }
}

// The config file to read: the one named with --config, else .dtoken.toml at the scan root of the
// first PATH (the current directory for standard input), if there is one; none with --no-config.
std::string config_file(const std::string& named, bool no_config,
                        const std::vector<std::string>& paths) {
  if (no_config) return {};
  if (!named.empty()) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(named, error)) {
      throw usage_error("cannot read config " + named);
    }
    return named;
  }
  const std::string& first = paths.empty() || paths.front() == "-" ? "." : paths.front();
  const std::filesystem::path found = scan_root(first) / ".dtoken.toml";
  std::error_code error;
  return std::filesystem::is_regular_file(found, error) ? found.string() : std::string();
}

// A value the config file gave, checked by `parse`: its usage_error names the file.
template <typename Parse>
auto from_config(const scan_config& config, const std::string& value, Parse&& parse) {
  try {
    return parse(value);
  } catch (const usage_error& error) {
    throw usage_error("config " + config.path + ": " + error.what());
  }
}

// The settings the config file may give, as the command line left them (empty: not given).
struct configurable {
  std::string profile;
  std::string fixtures;
  std::string max_size;
  std::vector<std::string> allowed;
  std::vector<std::string> excludes;
};

// Fills `settings` from the command line's `given`, then the config file, then the defaults.
void apply_settings(const configurable& given, const scan_config& config, scan_settings& settings) {
  scan_options& options = settings.options;
  const auto pick = [&](const std::string& cli, const std::optional<std::string>& file,
                        const char* fallback, auto&& parse) {
    if (!cli.empty()) return parse(cli);
    if (file) return from_config(config, *file, parse);
    return parse(std::string(fallback));
  };
  options.rules = pick(given.profile, config.profile, "family",
                       [](const std::string& name) { return parse_profile(name); });
  options.fixtures = pick(given.fixtures, config.fixtures, "skip", [](const std::string& name) {
    if (name != "skip" && name != "report") {
      throw usage_error("unknown --fixtures '" + name + "' (choose skip or report)");
    }
    return name == "skip" ? fixture_policy::skip : fixture_policy::report;
  });
  options.max_size = pick(given.max_size, config.max_size, "0",
                          [](const std::string& text) { return parse_size(text, "max-size"); });
  if (settings.baseline_path.empty() && config.baseline) settings.baseline_path = *config.baseline;
  for (const std::string& id : config.allow) {
    from_config(config, id, [](const std::string& value) {
      check_allowed_id(value);
      return 0;
    });
  }
  for (const std::string& id : given.allowed) check_allowed_id(id);
  options.allowed_ids.insert(config.allow.begin(), config.allow.end());
  options.allowed_ids.insert(given.allowed.begin(), given.allowed.end());
  settings.excludes = config.exclude;
  settings.excludes.insert(settings.excludes.end(), given.excludes.begin(), given.excludes.end());
}

// Parses the command line into `settings`; false when it asked for --help (printed).
bool parse_scan_arguments(const arguments& args, std::ostream& out, scan_settings& settings) {
  configurable given;
  std::string format_name = "text";
  std::string exit_code_text = "1";
  std::string threads_text = "0";
  std::string progress_name = "auto";
  std::string config_path;
  std::string log_opts;
  bool no_config = false;
  bool no_decode = false;
  po::options_description described("Options");
  described.add_options()("help,h", "show this help and exit")(
      "profile,p", po::value(&given.profile),
      "family (the default: every real token type), documented (the published regex, as grep "
      "finds it) or strict (registered types only)")(
      "format,f", po::value(&format_name)->default_value(format_name),
      "text, json, jsonl or sarif (SARIF 2.1.0)")("show-secret",
                                                  po::bool_switch(&settings.show_secret),
                                                  "print whole tokens, secrets included")(
      "allow", po::value(&given.allowed)->composing(), "a token ID not to report (repeatable)")(
      "exclude", po::value(&given.excludes)->composing(),
      "skip paths that match the glob (repeatable): 'vendor/', '*.min.js'")(
      "fixtures", po::value(&given.fixtures),
      "marked fixtures (dtoken generate --marked): skip (the default; counted) or report")(
      "baseline", po::value(&settings.baseline_path),
      "do not report findings whose fingerprint is in FILE (a baseline or a SARIF log)")(
      "write-baseline", po::value(&settings.write_baseline_path),
      "record every finding in FILE as known, instead of reporting them")(
      "config", po::value(&config_path),
      "read the settings in FILE (TOML) instead of the .dtoken.toml at the scan root")(
      "no-config", po::bool_switch(&no_config), "read no config file")(
      "git", po::bool_switch(&settings.git),
      "scan the history of the git repository PATH (default .): every blob its commits "
      "brought in")("log-opts", po::value(&log_opts),
                    "with --git: the revisions to read, as git log takes them ('--all', the "
                    "default; 'main', 'A..B', '--since=2024-01-01')")(
      "staged", po::bool_switch(&settings.staged),
      "scan what the index brings in against HEAD (for a pre-commit hook)")(
      "no-ignore", po::bool_switch(&settings.no_ignore), "scan what .gitignore ignores too")(
      "binary", po::bool_switch(&settings.options.binary),
      "scan the files of directories that look binary too")(
      "no-decode", po::bool_switch(&no_decode),
      "do not look for tokens inside base64 or percent-encoding")(
      "max-size", po::value(&given.max_size),
      "skip larger files: bytes, or with K, M, G or T (10M); 0, the default: no limit")(
      "exit-code", po::value(&exit_code_text)->default_value(exit_code_text),
      "exit code when tokens are found (not 2 or 3)")(
      "progress", po::value(&progress_name)->default_value(progress_name),
      "auto (on a terminal, for scans over a second), always or never")(
      "threads,j", po::value(&threads_text)->default_value(threads_text),
      "files scanned at once (0: one per core)");
  if (!parse_arguments(args, described, &settings.paths, usage, out)) return false;
  if (no_config && !config_path.empty()) {
    throw usage_error("--config and --no-config exclude each other");
  }
  settings.format = parse_format(format_name, {output_format::text, output_format::json,
                                               output_format::jsonl, output_format::sarif});
  settings.found_code = parse_number(exit_code_text, "exit-code");
  if (settings.found_code > 255 || settings.found_code == exit_incomplete ||
      settings.found_code == exit_io) {
    throw usage_error(
        "--exit-code takes a number from 0 to 255 but 2 and 3, which mean an "
        "incomplete scan and an I/O error");
  }
  settings.threads = parse_number(threads_text, "threads");
  settings.options.decode = !no_decode;
  settings.progress = parse_progress(progress_name);
  if (settings.git && settings.staged) throw usage_error("--git and --staged exclude each other");
  if (!log_opts.empty() && !settings.git) throw usage_error("--log-opts needs --git");
  if ((settings.git || settings.staged) && settings.paths.size() > 1) {
    throw usage_error("--git and --staged take one repository");
  }
  if (settings.git) settings.log_options = parse_log_options(log_opts);
  if (settings.paths.empty()) settings.paths.push_back(".");
  const std::string file = config_file(config_path, no_config, settings.paths);
  apply_settings(given, file.empty() ? scan_config{} : read_scan_config(file), settings);
  return true;
}

// The files the operands stand for, each with its identity (relative to its scan root).
std::vector<scan_target> targets_of(const scan_settings& settings,
                                    std::vector<path_problem>& problems) {
  std::vector<scan_target> targets;
  for (const std::string& operand : settings.paths) {
    if (operand == "-") {
      targets.push_back({"-", "-", true});
      continue;
    }
    const std::filesystem::path root = scan_root(operand);
    for (std::string& file : expand_paths({operand}, !settings.no_ignore, problems)) {
      std::string identity = identity_path(file, root);
      if (excluded(identity, settings.excludes)) continue;
      const bool named = file == operand;
      targets.push_back({std::move(file), std::move(identity), named});
    }
  }
  return targets;
}

// dtoken scan --git / --staged: the repository's history (or index) scanned, and reported.
void report_history(const scan_settings& settings, report_renderer& renderer, std::ostream& out,
                    std::ostream& err, report_tally& tally) {
  const scan_options& options = settings.options;
  const std::string& repository = settings.paths.front();
  history_result history;
  {
    progress_meter meter(settings.progress, err, 0);
    scan_options with_progress = options;
    with_progress.progress = &meter;
    with_progress.part_threads = static_cast<unsigned>(std::min<std::uint64_t>(
        64, settings.threads != 0 ? settings.threads
                                  : std::max(1U, std::thread::hardware_concurrency())));
    history = settings.git
                  ? scan_history(repository, settings.log_options, with_progress, settings.excludes)
                  : scan_staged(repository, with_progress, settings.excludes);
  }
  const std::filesystem::path root = scan_root(repository);
  renderer.provenance = scan_provenance{path_uri(root.generic_string()), history.head};
  report_writer writer(out, renderer);
  for (const history_finding& entry : history.findings) {
    const std::string_view print = options.fingerprints
                                       ? std::string_view(entry.print.data(), entry.print.size())
                                       : std::string_view();
    const git_commit* commit = history.staged ? nullptr : &history.commits[entry.commit];
    report(writer, tally, options,
           {entry.path, entry.path, entry.found, print, entry.fixture, commit});
  }
  writer.finish();
  if (history.skipped_large > 0) {
    err << "dtoken scan: note: " << history.skipped_large << " blobs over --max-size skipped\n";
  }
  tally.files = history.blobs;
  tally.unit = "blob";
  tally.bytes = history.bytes;
  tally.fixtures_skipped = history.fixtures_skipped;
}

// On a terminal: one line that sums the scan up.
void print_summary(std::ostream& err, const report_tally& tally, double seconds) {
  std::ostringstream line;
  line << "dtoken scan: ";
  if (tally.reported == 0) {
    line << "no tokens found";
  } else {
    line << tally.reported << (tally.reported == 1 ? " token" : " tokens") << " found";
  }
  line << " in " << tally.files << ' ' << tally.unit << (tally.files == 1 ? "" : "s");
  if (tally.fixtures_skipped > 0) {
    line << " (" << tally.fixtures_skipped << " marked "
         << (tally.fixtures_skipped == 1 ? "fixture" : "fixtures")
         << " skipped: --fixtures report shows them)";
  }
  line << ", " << std::fixed << std::setprecision(1) << static_cast<double>(tally.bytes) / (1 << 20)
       << " MiB in " << std::setprecision(2) << seconds << " s\n";
  err << line.str();
}

// The end of every scan: the baseline written, the summary on a terminal, the exit code.
int finish_scan(const scan_settings& settings, const report_tally& tally, std::ostream& err,
                std::chrono::steady_clock::time_point start, bool incomplete) {
  if (tally.record_seen) {
    write_baseline(settings.write_baseline_path, tally.seen);
    err << "dtoken scan: recorded " << tally.seen.size()
        << (tally.seen.size() == 1 ? " finding" : " findings") << " in "
        << settings.write_baseline_path << '\n';
  }
  if (&err == &std::cerr && ::isatty(STDERR_FILENO) == 1) {
    print_summary(err, tally,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  if (incomplete) {
    err << "dtoken scan: the scan is incomplete: some paths could not be read\n";
    return exit_incomplete;
  }
  return tally.reported > 0 ? static_cast<int>(settings.found_code) : exit_ok;
}

}  // namespace

int run_scan(const arguments& args, std::istream& in, std::ostream& out, std::ostream& err) {
  // glibc serves each allocation of 128 KiB or more with its own mmap, and unmaps it when it is
  // freed, so every growth of a file's findings touches fresh pages again; here a page fault
  // costs several microseconds. From the heap, freed memory is used again. (256 MiB with 9,848
  // findings: 1,976 page faults and 59 ms before, 1,560 and 53 ms after; `perf stat`.)
  ::mallopt(M_MMAP_THRESHOLD, 64 << 20);
  const auto start = std::chrono::steady_clock::now();
  scan_settings settings;
  if (!parse_scan_arguments(args, out, settings)) return exit_ok;
  scan_options& options = settings.options;
  const std::set<std::string, std::less<>> known = settings.baseline_path.empty()
                                                       ? std::set<std::string, std::less<>>{}
                                                       : read_baseline(settings.baseline_path);
  options.fingerprints = settings.format != output_format::text ||
                         !settings.baseline_path.empty() || !settings.write_baseline_path.empty();
  options.known = &known;
  const report_renderer renderer(settings.format, options.rules, settings.show_secret);

  report_tally tally;
  tally.record_seen = !settings.write_baseline_path.empty();
  if (settings.git || settings.staged) {
    report_renderer history_renderer = renderer;
    try {
      report_history(settings, history_renderer, out, err, tally);
    } catch (const std::runtime_error& error) {  // git failed: not a repository, a bad revision
      err << "dtoken scan: " << error.what() << '\n';
      return exit_incomplete;
    }
    return finish_scan(settings, tally, err, start, false);
  }

  std::vector<path_problem> problems;
  const std::vector<scan_target> targets = targets_of(settings, problems);
  const std::uint64_t threads =
      settings.threads != 0 ? settings.threads : std::max(1U, std::thread::hardware_concurrency());
  report_writer writer(out, renderer);
  if (targets.size() == 1 && targets.front().path != "-") {
    // One file, scanned in slices: its findings are written while the rest of it is scanned.
    options.on_findings = [&](const file_result& file, std::size_t from) {
      report_findings(writer, tally, options, file, from);
    };
  }
  std::vector<file_result> results = scan_files(targets, options, threads, settings.progress, err);

  bool incomplete = false;
  for (const path_problem& problem : problems) {
    err << "dtoken scan: warning: " << problem.path << ": " << problem.message << '\n';
    incomplete = true;
  }
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (targets[i].path == "-") results[i] = scan_standard_input(in, writer, options, tally);
    const file_result& file = results[i];
    if (!file.note.empty()) err << "dtoken scan: note: " << file.path << ": " << file.note << '\n';
    if (!file.warning.empty()) {
      err << "dtoken scan: warning: " << file.path << ": " << file.warning << '\n';
      incomplete = true;
    }
    tally.files += file.note.empty() && file.warning.empty() ? 1 : 0;
    tally.bytes += file.bytes;
    tally.fixtures_skipped += file.fixtures_skipped;
    report_findings(writer, tally, options, file, file.streamed);
  }
  writer.finish();
  return finish_scan(settings, tally, err, start, incomplete);
}

}  // namespace dtoken::cli
