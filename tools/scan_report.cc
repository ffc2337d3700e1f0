#include "scan_report.h"

#include "dtoken/version.h"

namespace dtoken::cli {
namespace {

constexpr std::string_view generic_rule = "dynatrace-token";

// SARIF rule IDs: "dynatrace-token/dt0c01" for each registered type, "dynatrace-token" for a
// token whose prefix is not registered (the documented and family profiles accept those).
std::string rule_id(const finding& found) {
  return found.type != nullptr ? std::string(generic_rule) + "/" + std::string(found.type->prefix)
                               : std::string(generic_rule);
}

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

boost::json::object sarif_result(std::string_view path, const finding& found,
                                 const std::string& fingerprint) {
  boost::json::object artifact{{"uri", path == "-" ? std::string("stdin") : path_uri(path)}};
  if (!path.starts_with('/') && path != "-") artifact["uriBaseId"] = "%SRCROOT%";
  std::string message = "Dynatrace ";
  message.append(found.type != nullptr ? found.type->name : "access token")
      .append(" ")
      .append(found.token_id())
      .append(" with its secret in clear text.");
  return {{"ruleId", rule_id(found)},
          {"ruleIndex", sarif_rule_index(found)},
          {"level", "error"},
          {"message", {{"text", message}}},
          {"locations",
           {{{"physicalLocation",
              {{"artifactLocation", std::move(artifact)},
               {"region",
                {{"startLine", found.line},
                 {"startColumn", found.column},
                 {"endLine", found.line},
                 {"endColumn", found.column + found.length},
                 {"byteOffset", found.offset},
                 {"byteLength", found.length}}}}}}}},
          {"partialFingerprints", {{fingerprint_key, fingerprint}}},
          {"properties", {{"tokenId", found.token_id()}, {"bounded", found.bounded}}}};
}

}  // namespace

report_writer::report_writer(std::ostream& out, output_format format, profile rules,
                             bool show_secret)
    : out_(out), format_(format), rules_(rules), show_secret_(show_secret), records_(out, format) {}

void report_writer::add(std::string_view path, const finding& found,
                        const std::string& fingerprint) {
  path = report_path(path);
  if (format_ == output_format::sarif) {
    sarif_results_.push_back(sarif_result(path, found, fingerprint));
    return;
  }
  const std::string_view shown = show_secret_ ? found.token : found.token_id();
  if (format_ == output_format::text) {
    out_ << path << ':' << found.line << ':' << found.column << ": "
         << (found.type != nullptr ? found.token.substr(0, prefix_length) : "unregistered type")
         << ' ' << shown << (show_secret_ ? "" : ".***") << '\n';
    return;
  }
  const std::string readable = valid_utf8(path);
  boost::json::object object{
      {"path", readable},
      {"offset", found.offset},
      {"length", found.length},
      {"line", found.line},
      {"column", found.column},
      {"type", found.token.substr(0, prefix_length)},
      {"type_name",
       found.type != nullptr ? boost::json::value(found.type->name) : boost::json::value(nullptr)},
      {"token_id", found.token_id()},
      {"bounded", found.bounded},
      {"profile", to_string(rules_)},
      {"fingerprint", fingerprint}};
  if (readable != path) object["path_base64"] = base64(path);  // the exact bytes
  if (show_secret_) object["token"] = found.token;
  records_.add(object);
}

void report_writer::finish() {
  records_.finish();
  if (format_ != output_format::sarif) return;
  const boost::json::object log{
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs",
       {{{"tool",
          {{"driver",
            {{"name", "dtoken"},
             {"version", DTOKEN_VERSION_STRING},
             {"semanticVersion", DTOKEN_VERSION_STRING},
             {"rules", sarif_rules()}}}}},
         {"originalUriBaseIds",
          {{"%SRCROOT%", {{"description", {{"text", "The directory dtoken scan ran in."}}}}}}},
         {"properties", {{"profile", to_string(rules_)}}},
         {"results", sarif_results_}}}}};
  out_ << boost::json::serialize(log) << '\n';
}

}  // namespace dtoken::cli
