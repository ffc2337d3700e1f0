// What every dtoken command shares: exit codes, the usage-error exception, output helpers.
#ifndef DTOKEN_TOOLS_CLI_H
#define DTOKEN_TOOLS_CLI_H

#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "dtoken/validate.h"

namespace dtoken::cli {

// Exit codes, documented in the README and in `dtoken --help`.
enum exit_code : int {
  exit_ok = 0,          // everything valid / nothing found
  exit_findings = 1,    // some candidate invalid (validate, inspect)
  exit_usage = 2,       // bad command line
  exit_incomplete = 2,  // scan: some path could not be read
  exit_io = 3,          // an input could not be read or an output written
};

// A bad command line: main() prints the message and the usage hint, and exits with exit_usage.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using arguments = std::vector<std::string>;

int run_validate(const arguments& args, std::istream& in, std::ostream& out, std::ostream& err);
int run_inspect(const arguments& args, std::ostream& out);
int run_generate(const arguments& args, std::ostream& out, std::ostream& err);
int run_vectors(const arguments& args, std::ostream& out, std::ostream& err);
int run_scan(const arguments& args, std::istream& in, std::ostream& out, std::ostream& err);
int run_redact(const arguments& args, std::istream& in, std::ostream& out, std::ostream& err);

// Parses a command's arguments into the variables bound in `options`; the bare arguments go to
// `operands` (when given). Returns false after printing the version, `usage` and `options` for
// --help (which `options` must declare); throws boost::program_options::error on a bad command
// line.
bool parse_arguments(const arguments& args,
                     const boost::program_options::options_description& options,
                     std::vector<std::string>* operands, std::string_view usage, std::ostream& out);

// A non-negative decimal number for option `option`, or a usage_error. Boost's own conversion
// takes "-5" for an unsigned option and wraps it to 2^64 - 5; this refuses signs and overflow.
std::uint64_t parse_number(const std::string& text, std::string_view option);

// A size for --max-size: a whole number of bytes, or one with a unit: K, M, G or T (powers of
// 1024; "KiB", "MB" and the like are read the same, any case). "10M" is 10,485,760. A usage_error
// names the forms when `text` is none of them.
std::uint64_t parse_size(const std::string& text, std::string_view option);

// --profile NAME, or a usage_error naming the choices.
profile parse_profile(const std::string& name);

// Output formats shared by the commands; each command says which it accepts.
enum class output_format { text, json, jsonl, sarif, csv, env };
output_format parse_format(const std::string& name, std::initializer_list<output_format> allowed);

// Lower-case hex of the SHA-256 of `bytes` (OpenSSL's libcrypto).
std::string sha256_hex(std::string_view bytes);

// Writes `content` to `path` (created or truncated); throws std::runtime_error naming the path
// when it cannot.
void write_file(const std::string& path, std::string_view content);

// `bytes` as valid UTF-8, for a JSON document: each byte that is not part of a well-formed UTF-8
// sequence becomes U+FFFD. A path on Linux is any bytes but '/' and NUL; JSON text must be
// UTF-8 (hostile_test found raw bytes in --format json output).
std::string valid_utf8(std::string_view bytes);
// Base64 of `bytes` (OpenSSL's libcrypto), for the exact bytes beside a valid_utf8() form.
std::string base64(std::string_view bytes);

// The candidate as a person may see it: secret bytes (everything after a second '.') become '*',
// bytes that are not printable ASCII become '?', and the text is cut at `limit` bytes. The byte
// at `reveal` (if any) is shown as is, so that a caret under it points at something visible.
std::string display_form(std::string_view candidate, std::size_t reveal, std::size_t limit = 120);

// JSON for one validation: valid, error, position, token_id, type, type_name; never a secret.
boost::json::object validation_json(std::string_view candidate, profile rules);

}  // namespace dtoken::cli

#endif  // DTOKEN_TOOLS_CLI_H
