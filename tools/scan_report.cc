#include "scan_report.h"

#include "dtoken/version.h"
#include "json_text.h"

namespace dtoken::cli {
namespace {

constexpr std::string_view generic_rule = "dynatrace-token";

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

std::size_t sarif_rule_index(const finding& found) {
  if (found.type == nullptr) return 0;
  return 1 + static_cast<std::size_t>(found.type - token_types().data());
}

// One SARIF result, written into `out`. Its URI is the path relative to the scan root (no "..").
// (Its strings are made in buffers kept from one result to the next, and a file's URI once for
// its findings, which come one after another, instead of new strings for each result.)
void write_sarif_result(std::string& out, const report_item& item) {
  const finding& found = item.found;
  thread_local std::string rule;
  thread_local std::string message;
  thread_local std::string last_identity;
  thread_local std::string uri;
  // SARIF rule IDs: "dynatrace-token/dt0c01" for each registered type, "dynatrace-token" for a
  // token whose prefix is not registered (the documented and family profiles accept those).
  rule.assign(generic_rule);
  if (found.type != nullptr) rule.append("/").append(found.type->prefix);
  message.assign("Dynatrace ")
      .append(found.type != nullptr ? found.type->name : "access token")
      .append(" ")
      .append(found.token_id())
      .append(item.fixture ? " (a marked fixture)" : "")
      .append(" with its secret in clear text.");
  if (uri.empty() || item.identity != last_identity) {
    last_identity.assign(item.identity);
    uri = path_uri(item.identity);
  }
  json_text json(out);
  json.open_object().key("ruleId").value(rule);
  json.key("ruleIndex").value(std::uint64_t{sarif_rule_index(found)});
  json.key("level").value(item.fixture ? "note" : "error");
  json.key("message").open_object().key("text").value(message).close_object();
  json.key("locations").open_array().open_object().key("physicalLocation").open_object();
  json.key("artifactLocation").open_object();
  if (item.path == "-") {
    json.key("uri").value("stdin");
  } else {
    json.key("uri").value(uri).key("uriBaseId").value("%SRCROOT%");
  }
  json.close_object();
  json.key("region").open_object();
  json.key("startLine").value(found.line).key("startColumn").value(found.column);
  json.key("endLine").value(found.line).key("endColumn").value(found.column + found.length);
  json.key("byteOffset").value(found.offset).key("byteLength").value(std::uint64_t{found.length});
  json.close_object().close_object().close_object().close_array();
  json.key("partialFingerprints").open_object().key(fingerprint_key).value(item.fingerprint);
  json.close_object();
  json.key("properties").open_object().key("tokenId").value(found.token_id());
  json.key("bounded").value(found.bounded).key("fixture").value(item.fixture);
  if (found.encoded != encoding::none) json.key("encoding").value(to_string(found.encoded));
  if (item.commit != nullptr) {
    json.key("commit").value(item.commit->id).key("author").value(item.commit->author);
    json.key("date").value(item.commit->date);
  }
  json.close_object().close_object();
}

// One finding as a JSON record (json and jsonl), written into `out`.
void write_record(std::string& out, const report_item& item, profile rules, bool show_secret) {
  // (the findings of one file come one after another: its path is made readable once)
  thread_local std::string last_path;
  thread_local std::string readable;
  const std::string_view path = report_path(item.path);
  if (path != last_path) {
    last_path = path;
    readable = valid_utf8(path);
  }
  const finding& found = item.found;
  json_text json(out);
  json.open_object().key("path").value(readable);
  if (item.commit != nullptr) {
    json.key("commit").value(item.commit->id).key("author").value(item.commit->author);
    json.key("date").value(item.commit->date);
  }
  json.key("offset").value(found.offset).key("length").value(std::uint64_t{found.length});
  json.key("line").value(found.line).key("column").value(found.column);
  json.key("type").value(found.token.substr(0, prefix_length)).key("type_name");
  if (found.type != nullptr) {
    json.value(found.type->name);
  } else {
    json.null();
  }
  json.key("token_id").value(found.token_id()).key("bounded").value(found.bounded);
  json.key("fixture").value(item.fixture);
  if (found.encoded != encoding::none) json.key("encoding").value(to_string(found.encoded));
  json.key("profile").value(to_string(rules)).key("fingerprint").value(item.fingerprint);
  if (readable != path) json.key("path_base64").value(base64(path));  // the exact bytes
  if (show_secret) json.key("token").value(found.token);
  json.close_object();
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
  write_record(records, item, rules_, show_secret_);
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
