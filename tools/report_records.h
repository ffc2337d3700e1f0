// The records of dtoken scan's report, a finding each: a JSON record (json, jsonl) and a SARIF
// result. Each has a general writer, with json_text, for every finding, and a fast one for the
// findings of a file (not a commit's, not standard input's): most of a record's text is the same
// from one record to the next, so it is put together from pieces kept between records (by type and
// level, by file) and its numbers and strings appended straight to the string, where json_text
// writes it member by member. A SARIF result took 260 ns that way, 40-60 put together (a loop over
// one finding); tests/cli/report_records_test.cc holds each fast writer to the general one.
#ifndef DTOKEN_TOOLS_REPORT_RECORDS_H
#define DTOKEN_TOOLS_REPORT_RECORDS_H

#include <cstddef>
#include <string>
#include <string_view>

#include "dtoken/scan.h"
#include "dtoken/validate.h"
#include "scan_report.h"

namespace dtoken::cli {

// SARIF rule IDs: "dynatrace-token/dt0c01" for each registered type, "dynatrace-token" for a
// token whose prefix is not registered (the documented and family profiles accept those).
inline constexpr std::string_view generic_rule = "dynatrace-token";

// The index of a finding's rule in the SARIF log's rules: 0 for the generic rule, then the
// registered types in the registry's order.
std::size_t sarif_rule_index(const finding& found);

// One finding as a SARIF result, appended to `out`: the fast way when it applies, else the
// general one. Its URI is the path relative to the scan root.
void write_sarif_result(std::string& out, const report_item& item);
void write_sarif_result_general(std::string& out, const report_item& item);

// One finding as a JSON record (json and jsonl), appended to `out`.
void write_json_record(std::string& out, const report_item& item, profile rules, bool show_secret);
void write_json_record_general(std::string& out, const report_item& item, profile rules,
                               bool show_secret);

}  // namespace dtoken::cli

#endif  // DTOKEN_TOOLS_REPORT_RECORDS_H
