// tools/scan_files.h: a file scanned in slices on several threads reports its findings in order,
// with the fingerprints of their occurrences in the whole file (a token ID in several slices, on
// different threads, counts once per occurrence, in order); a stream's findings alike.
#include "scan_files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace dtoken::cli {
namespace {

constexpr std::string_view first_token =
    "dt0c01.ST2EY72KQINMH574WMNVI7YN."
    "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
constexpr std::string_view second_token =
    "dt0s01.ABCDEFGHIJKLMNOPQRSTUVWX."
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

// A directory of its own, removed at the end.
class scratch {
 public:
  scratch()
      : directory_(std::filesystem::temp_directory_path() /
                   ("scan_files_test." + std::to_string(::getpid()))) {
    std::filesystem::create_directories(directory_);
  }
  ~scratch() { std::filesystem::remove_all(directory_); }
  scratch(const scratch&) = delete;
  scratch& operator=(const scratch&) = delete;
  [[nodiscard]] std::string path(const std::string& name) const {
    return (directory_ / name).string();
  }

 private:
  std::filesystem::path directory_;
};

// Text of `size` bytes, lines of filler, with a token on its own line at each of `places` (a
// token and the offset of its line), in order.
std::string text_with(std::size_t size,
                      const std::vector<std::pair<std::string_view, std::size_t>>& places) {
  std::string text;
  text.reserve(size + 256);
  for (const auto& [token, at] : places) {
    while (text.size() < at) text += "filler line of a log, nothing to see here\n";
    text.append("key=").append(token).append("\n");
  }
  while (text.size() < size) text += "filler line of a log, nothing to see here\n";
  return text;
}

// What a finding's fingerprint must be: its token ID's `occurrence` in the file.
std::string expected_print(const std::string& identity, std::string_view token,
                           std::uint64_t occurrence) {
  return fingerprint(identity, token.substr(0, token.rfind('.')), occurrence);
}

std::string print_of(const file_result& file, std::size_t k) {
  return {file.prints.at(k).data(), file.prints.at(k).size()};
}

// The places, in a file of three slices: the first token in slices 0, 1 (twice) and 2, the second
// in 1 and 2.
constexpr std::size_t slice = file_slice_size;
constexpr std::size_t three_slices = 3 * slice;
static_assert(three_slices >= 4 << 20, "mapped: 4 MiB or more");
const std::vector<std::pair<std::string_view, std::size_t>> places = {
    {first_token, 1000},         {first_token, slice + 10},      {second_token, slice + 4000},
    {first_token, slice + 9000}, {second_token, 2 * slice + 50}, {first_token, 2 * slice + 70000}};
const std::vector<std::pair<std::string_view, std::uint64_t>> occurrences = {
    {first_token, 0}, {first_token, 1},  {second_token, 0},
    {first_token, 2}, {second_token, 1}, {first_token, 3}};

void expect_fingerprints(const file_result& file, const std::string& identity,
                         const std::string& text) {
  ASSERT_TRUE(file.warning.empty()) << file.warning;
  ASSERT_EQ(file.findings.size(), places.size());
  ASSERT_EQ(file.prints.size(), places.size());
  for (std::size_t k = 0; k < places.size(); ++k) {
    const auto [token, occurrence] = occurrences[k];
    EXPECT_EQ(file.findings[k].token, token) << k;
    EXPECT_EQ(text.substr(static_cast<std::size_t>(file.findings[k].offset), token.size()), token)
        << k;
    EXPECT_EQ(print_of(file, k), expected_print(identity, token, occurrence)) << k;
  }
}

// A file of three slices with the tokens at `places`, written at `path`: its text.
std::string write_large_file(const std::string& path) {
  std::string text = text_with(three_slices, places);
  std::ofstream(path, std::ios::binary) << text;
  return text;
}

scan_options fingerprinting(unsigned threads) {
  scan_options options;
  options.fingerprints = true;
  options.part_threads = threads;
  return options;
}

TEST(scan_files_test, slices_on_several_threads_fingerprint_occurrences_of_the_whole_file) {
  const scratch directory;
  const std::string path = directory.path("large.log");
  const std::string text = write_large_file(path);
  for (const unsigned threads : {1U, 2U, 3U, 8U}) {
    file_result file = scan_file({path, "logs/large.log", true}, fingerprinting(threads));
    fingerprint_file(file, fingerprinting(threads));
    SCOPED_TRACE(threads);
    expect_fingerprints(file, "logs/large.log", text);
  }
}

TEST(scan_files_test, a_file_read_whole_is_sliced_and_fingerprinted_alike) {
  const scratch directory;
  // The places half as far apart, in a slice and a half: read whole (under 4 MiB), in 2 slices.
  static_assert(slice + slice / 2 < 4 << 20);
  std::vector<std::pair<std::string_view, std::size_t>> near;
  for (const auto& [token, at] : places) near.emplace_back(token, at / 2);
  const std::string text = text_with(slice + slice / 2, near);
  const std::string path = directory.path("small.log");
  std::ofstream(path, std::ios::binary) << text;
  file_result file = scan_file({path, "small.log", true}, fingerprinting(2));
  fingerprint_file(file, fingerprinting(2));
  ASSERT_EQ(file.findings.size(), near.size());
  for (std::size_t k = 0; k < near.size(); ++k) {
    const auto [token, occurrence] = occurrences[k];
    EXPECT_EQ(print_of(file, k), expected_print("small.log", token, occurrence)) << k;
  }
}

TEST(scan_files_test, a_stream_is_fingerprinted_alike) {
  const scratch directory;
  const std::string text = text_with(three_slices, places);
  const std::string path = directory.path("fifo");
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  std::thread writer([&] { std::ofstream(path, std::ios::binary) << text; });
  file_result file = scan_file({path, "fifo", true}, fingerprinting(2));
  writer.join();
  fingerprint_file(file, fingerprinting(2));
  expect_fingerprints(file, "fifo", text);
}

// With on_findings, the findings come to it as the slices are scanned, in order, each once, with
// their fingerprints; one thread joins each slice as it finishes it.
TEST(scan_files_test, findings_stream_in_order_with_their_fingerprints) {
  const scratch directory;
  const std::string path = directory.path("large.log");
  const std::string text = write_large_file(path);
  for (const unsigned threads : {1U, 2U, 3U, 8U}) {
    SCOPED_TRACE(threads);
    std::vector<std::string> streamed;  // the fingerprints, as they came
    std::size_t calls = 0;
    scan_options options = fingerprinting(threads);
    options.on_findings = [&](const file_result& file, std::size_t from) {
      ++calls;
      ASSERT_EQ(from, streamed.size());
      ASSERT_EQ(file.prints.size(), file.findings.size());
      for (std::size_t k = from; k < file.findings.size(); ++k)
        streamed.push_back(print_of(file, k));
    };
    file_result file = scan_file({path, "logs/large.log", true}, options);
    expect_fingerprints(file, "logs/large.log", text);
    EXPECT_EQ(file.streamed, file.findings.size());
    std::vector<std::string> expected;
    for (std::size_t k = 0; k < file.findings.size(); ++k) expected.push_back(print_of(file, k));
    EXPECT_EQ(streamed, expected);
    // (every slice holds a finding: one thread gives them slice by slice)
    if (threads == 1) {
      EXPECT_EQ(calls, 3U);
    }
  }
}

TEST(scan_files_test, what_on_findings_throws_is_thrown_once_the_threads_end) {
  const scratch directory;
  const std::string path = directory.path("large.log");
  write_large_file(path);
  scan_options options = fingerprinting(2);
  options.on_findings = [](const file_result&, std::size_t) {
    throw std::runtime_error("the report failed");
  };
  EXPECT_THROW(scan_file({path, "large.log", true}, options), std::runtime_error);
}

TEST(scan_files_test, no_fingerprints_unless_asked) {
  const scratch directory;
  const std::string path = directory.path("large.log");
  const std::string text = write_large_file(path);
  scan_options options;
  options.part_threads = 2;
  file_result file = scan_file({path, "large.log", true}, options);
  fingerprint_file(file, options);
  EXPECT_EQ(file.findings.size(), places.size());
  EXPECT_TRUE(file.prints.empty());
}

}  // namespace
}  // namespace dtoken::cli
