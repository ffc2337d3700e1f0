#include "scan_report.h"

#include "dtoken/version.h"
#include "json_text.h"
#include "report_records.h"

namespace dtoken::cli {
namespace {

boost::json::object sarif_rule(std::string id, std::string_view name, std::string_view what) {
  std::string text = "A Dynatrace ";
  text.append(name).append(" was found in clear text. ").append(what);
  return {
      {"id", std::move(id)},
      {"name", "LeakedDynatraceToken"},
      {"shortDescription", {{"text", "Leaked Dynatrace " + std::string(name)}}},
      {"fullDescription", {{"text", text}}},
      {"help",
       {{"text",
         "Anyone who reads this token can call the Dynatrace API with its scopes. Revoke it "
         "(DELETE /api/v2/apiTokens/{id}, or in Access tokens), create a new one, and keep it in "
         "a secret store. A fixture token can be allowed with --allow TOKEN_ID or an inline "
         "dtoken:allow comment."}}},
      {"defaultConfiguration", {{"level", "error"}}},
      {"properties",
       {{"tags", {"security", "secret", "dynatrace"}},
        {"precision", "very-high"},
        {"security-severity", "9.0"}}}};
}

boost::json::array sarif_rules() {
  boost::json::array rules;
  rules.push_back(sarif_rule(std::string(generic_rule), "access token",
                             "Its prefix is not one of the registered token types."));
  for (const token_type& type : token_types()) {
    rules.push_back(sarif_rule(std::string(generic_rule) + "/" + std::string(type.prefix),
                               type.name, type.description));
  }
  return rules;
}

// The SARIF log with no result, cut where its results go: what comes before them, and after.
std::pair<std::string, std::string> sarif_frame(profile rules,
                                                const std::optional<scan_provenance>& provenance) {
  boost::json::object log{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                          {"version", "2.1.0"},
                          {"runs",
                           {{{"tool",
                              {{"driver",
                                {{"name", "dtoken"},
                                 {"version", DTOKEN_VERSION_STRING},
                                 {"semanticVersion", DTOKEN_VERSION_STRING},
                                 {"rules", sarif_rules()}}}}},
                             {"originalUriBaseIds",
                              {{"%SRCROOT%",
                                {{"description",
                                  {{"text",
                                    "The root of the git repository that holds the scanned "
                                    "path, or the scanned directory."}}}}}}},
                             {"properties", {{"profile", to_string(rules)}}},
                             {"results", boost::json::array()}}}}};
  if (provenance) {
    // (before "results": the run's members come in order, and the results must stay last)
    boost::json::object& run = log["runs"].as_array()[0].as_object();
    boost::json::object details{{"repositoryUri", provenance->repository_uri}};
    if (!provenance->revision.empty()) details["revisionId"] = provenance->revision;
    boost::json::object reordered;
    for (auto& [key, value] : run) {
      if (key == "results") reordered["versionControlProvenance"] = boost::json::array{details};
      reordered[key] = value;
    }
    run = std::move(reordered);
  }
  std::string empty = boost::json::serialize(log);
  constexpr std::string_view tail = "]}]}";  // the results' array, the run, the runs, the log
  empty.resize(empty.size() - tail.size());
  return {std::move(empty), std::string(tail) + "\n"};
}

}  // namespace

// A relative path as a URI reference: '/' separated, every byte outside RFC 3986's unreserved
// set and '/' percent-encoded. Absolute paths become file:// URIs.
std::string path_uri(std::string_view path) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string uri = path.starts_with('/') ? "file://" : "";
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      uri += c;
    } else {
      uri += '%';
      uri += hex[byte >> 4];
      uri += hex[byte & 15];
    }
  }
  return uri;
}

void report_renderer::render(std::string& records, const report_item& item) const {
  if (format_ == output_format::sarif) {
    records.append(record_writer<std::ostream>::lead(format_));
    write_sarif_result(records, item);
    return;
  }
  const finding& found = item.found;
  if (format_ == output_format::text) {
    if (item.commit != nullptr) records.append(item.commit->id.substr(0, 12)).append(":");
    records.append(report_path(item.path)).append(":").append(std::to_string(found.line));
    records.append(":").append(std::to_string(found.column)).append(": ");
    records.append(found.type != nullptr ? found.token.substr(0, prefix_length)
                                         : "unregistered type");
    records.append(" ").append(show_secret_ ? found.token : found.token_id());
    records.append(show_secret_ ? "" : ".***");
    if (found.encoded != encoding::none)
      records.append(" (").append(to_string(found.encoded)).append(")");
    records.append(item.fixture ? " (marked fixture)\n" : "\n");
    return;
  }
  records.append(record_writer<std::ostream>::lead(format_));
  write_json_record(records, item, rules_, show_secret_);
  records.append(record_writer<std::ostream>::trail(format_));
}

namespace {

// The record writer of a report: a SARIF log's head and tail around the results.
record_writer<std::ostream> framed(std::ostream& out, const report_renderer& renderer) {
  if (renderer.format() != output_format::sarif) return {out, renderer.format()};
  auto [head, tail] = sarif_frame(renderer.rules(), renderer.provenance);
  return {out, output_format::sarif, head, std::move(tail)};
}

}  // namespace

report_writer::report_writer(std::ostream& out, const report_renderer& renderer)
    : out_(out), renderer_(renderer), records_(framed(out, renderer)) {}

void report_writer::add(const report_item& item) {
  renderer_.render(batch_, item);
  if (batch_.size() >= batch_size) write_batch();
}

void report_writer::write_batch() {
  records_.add_joined(batch_);
  batch_.clear();
}

void report_writer::flush() {
  write_batch();
  out_.flush();
}

void report_writer::finish() {
  write_batch();
  records_.finish();
}

}  // namespace dtoken::cli
