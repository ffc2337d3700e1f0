// dtoken scan's policies on findings (tools/scan_filters.h), without the command around them: the
// inline allow marker on a line and across a stream's chunks, fingerprints, and baseline files.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli.h"
#include "dtoken/scan.h"
#include "scan_config.h"
#include "scan_filters.h"
#include "scan_roots.h"

namespace dtoken::cli {
namespace {

const std::string token =
    "dt0c01.ST2EY72KQINMH574WMNVI7YN."
    "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";

TEST(scan_filters_test, the_allow_marker_counts_on_the_tokens_line_within_reach) {
  const std::string text = "a\nkey=" + token + "  # dtoken:allow\nb\n";
  const std::size_t at = text.find(token);
  const line_view line = line_around(text, at, token.size(), true, true);
  EXPECT_TRUE(line.complete);
  EXPECT_EQ(line.part, "key=" + token + "  # dtoken:allow");
  EXPECT_TRUE(has_allow_marker(line.part));
  // On the next line, it does not count.
  const std::string next_line = "key=" + token + "\n# dtoken:allow\n";
  EXPECT_FALSE(has_allow_marker(line_around(next_line, 4, token.size(), true, true).part));
  // Beyond the reach on the same line, it does not count either.
  const std::string far = "key=" + token + std::string(allow_reach, ' ') + " dtoken:allow\n";
  EXPECT_FALSE(has_allow_marker(line_around(far, 4, token.size(), true, true).part));
  // A text that may go on is not complete until the line ends or the reach is met.
  EXPECT_FALSE(line_around("key=" + token, 4, token.size(), true, false).complete);
}

// The stream filter passes on each finding once its line is settled, in order, and drops the
// allowed ones, whatever the chunks.
TEST(scan_filters_test, the_stream_filter_settles_findings_across_chunks) {
  const std::string text =
      "one " + token + "\ntwo " + token + " dtoken:allow\nthree " + token + "\n";
  for (const std::size_t chunk : {1UL, 7UL, 100UL, text.size()}) {
    scanner stream(profile::documented);
    stream_allow_filter filter;
    std::vector<std::uint64_t> passed;
    const auto hold = [&](const finding& found) { filter.hold(found); };
    const auto emit = [&](const finding& found) {
      EXPECT_EQ(found.token, token);
      passed.push_back(found.line);
    };
    for (std::size_t at = 0; at < text.size(); at += chunk) {
      const std::string_view part = std::string_view(text).substr(at, chunk);
      stream.feed(part, hold);
      filter.settle(part, false, emit);
    }
    stream.finish(hold);
    filter.settle({}, true, emit);
    EXPECT_EQ(passed, (std::vector<std::uint64_t>{1, 3})) << "chunk " << chunk;
  }
}

TEST(scan_filters_test, fingerprints_are_stable_and_name_path_token_id_and_occurrence) {
  const std::string id = token.substr(0, 31);
  const std::string first = fingerprint("src/app.py", id, 0);
  // SHA-256 of "dtoken fingerprint v1\nsrc/app.py\n<token ID>\n0", as Python's hashlib gives it:
  // baselines hold fingerprints, so the recipe may never change.
  EXPECT_EQ(first, "4569a4658d2ce9bf1040daeac5d0a8e4");
  EXPECT_EQ(first, fingerprint("./src/app.py", id, 0)) << "a leading ./ is no other path";
  EXPECT_NE(first, fingerprint("src/app.py", id, 1));
  EXPECT_NE(first, fingerprint("src/other.py", id, 0));
  occurrence_counter count;
  EXPECT_EQ(count.next(id), 0U);
  EXPECT_EQ(count.next("dt0c01.OTHER"), 0U);
  EXPECT_EQ(count.next(id), 1U);
}

TEST(scan_filters_test, a_baseline_round_trips_and_a_sarif_log_is_one_too) {
  const std::string path = testing::TempDir() + "/scan_filters_baseline.json";
  write_baseline(path, {{"0123456789abcdef0123456789abcdef", "a.txt", 3, token.substr(0, 31)},
                        {"fedcba9876543210fedcba9876543210", "b\xff.txt", 1, "dt0c01.X"}});
  const auto known = read_baseline(path);
  EXPECT_EQ(known, (std::set<std::string, std::less<>>{"0123456789abcdef0123456789abcdef",
                                                       "fedcba9876543210fedcba9876543210"}));
  {
    std::ofstream sarif(path);
    sarif << R"({"runs":[{"results":[{"partialFingerprints":{"dtoken/v1":"abc"}}]}]})";
  }
  EXPECT_EQ(read_baseline(path), (std::set<std::string, std::less<>>{"abc"}));
  {
    std::ofstream other(path);
    other << R"({"something":"else"})";
  }
  EXPECT_THROW(read_baseline(path), usage_error);
  std::remove(path.c_str());
  EXPECT_THROW(read_baseline(path), usage_error);
}

}  // namespace
}  // namespace dtoken::cli

namespace dtoken::cli {
namespace {

TEST(scan_filters_test, sizes_take_units_and_refuse_the_rest) {
  EXPECT_EQ(parse_size("0", "max-size"), 0U);
  EXPECT_EQ(parse_size("1048576", "max-size"), 1048576U);
  EXPECT_EQ(parse_size("10M", "max-size"), 10U << 20);
  EXPECT_EQ(parse_size("512k", "max-size"), 512U << 10);
  EXPECT_EQ(parse_size("1GiB", "max-size"), std::uint64_t{1} << 30);
  EXPECT_EQ(parse_size("2TB", "max-size"), std::uint64_t{2} << 40);
  for (const char* bad : {"", "M", "10Q", "10MM", "-1", "1.5M", "99999999999T"}) {
    EXPECT_THROW(parse_size(bad, "max-size"), usage_error) << bad;
  }
}

// The same file has the same identity however the scan names it: from the repository's root
// (the nearest .git above), or from the scanned directory outside a repository.
TEST(scan_filters_test, identities_count_from_the_repository_root) {
  namespace fs = std::filesystem;
  const fs::path base = fs::path(testing::TempDir()) / "scan_roots_test";
  fs::remove_all(base);
  fs::create_directories(base / "repo" / ".git");
  fs::create_directories(base / "repo" / "src");
  fs::create_directories(base / "plain" / "sub");
  std::ofstream(base / "repo" / "src" / "app.py") << "x\n";
  std::ofstream(base / "plain" / "sub" / "x.txt") << "x\n";
  const fs::path saved = fs::current_path();
  const std::string absolute = (base / "repo" / "src" / "app.py").string();
  EXPECT_EQ(identity_path(absolute, scan_root((base / "repo").string())), "src/app.py");
  EXPECT_EQ(identity_path(absolute, scan_root(absolute)), "src/app.py");
  fs::current_path(base);
  EXPECT_EQ(identity_path("repo/src/app.py", scan_root("repo")), "src/app.py");
  EXPECT_EQ(identity_path("./repo/src/../src/app.py", scan_root("./repo/")), "src/app.py");
  fs::current_path(base / "repo" / "src");
  EXPECT_EQ(identity_path("./app.py", scan_root(".")), "src/app.py");
  EXPECT_EQ(identity_path("app.py", scan_root("app.py")), "src/app.py");
  // Outside a repository: from the scanned directory, or a named file's own directory.
  fs::current_path(base);
  EXPECT_EQ(identity_path("plain/sub/x.txt", scan_root("plain")), "sub/x.txt");
  EXPECT_EQ(identity_path("plain/sub/x.txt", scan_root("plain/sub/x.txt")), "x.txt");
  fs::current_path(saved);
  fs::remove_all(base);
}

}  // namespace
}  // namespace dtoken::cli

namespace dtoken::cli {
namespace {

TEST(scan_filters_test, excludes_match_paths_and_names) {
  const std::vector<std::string> globs = {"vendor/", "*.min.js", "docs/*.md", "node_modules"};
  EXPECT_TRUE(excluded("vendor/lib/a.js", globs));
  EXPECT_TRUE(excluded("web/app.min.js", globs));
  EXPECT_TRUE(excluded("docs/guide/intro.md", globs));  // '*' crosses '/'
  EXPECT_TRUE(excluded("web/node_modules/x/index.js", globs));
  EXPECT_FALSE(excluded("src/vendor.js", globs));
  EXPECT_FALSE(excluded("web/app.js", globs));
  EXPECT_FALSE(excluded("readme/docs.md", globs));
  EXPECT_FALSE(excluded("src/app.js", {}));
}

}  // namespace
}  // namespace dtoken::cli
