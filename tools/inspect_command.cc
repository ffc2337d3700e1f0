// dtoken inspect: a readable breakdown of one token, and each profile's verdict with a caret under
// the offending byte. The secret part is never printed.
#include <boost/program_options.hpp>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli.h"
#include "dtoken/version.h"
#include "record_writer.h"

namespace po = boost::program_options;

namespace dtoken::cli {
namespace {

constexpr const char* usage =
    "Usage: dtoken inspect [--format text|json] TOKEN\n"
    "\n"
    "Shows the parts of TOKEN (prefix, type, token ID, public part; the secret only masked) and\n"
    "the verdict of every profile, with the failing rule and a caret under the offending byte.\n"
    "\n"
    "Exit codes: 0 valid under some profile, 1 valid under none, 2 usage error.\n";

constexpr profile all_profiles[] = {profile::documented, profile::strict, profile::family};

// The first profile under which `candidate` parses, the most specific first; else the failure of
// the loosest.
parse_result best_parse(std::string_view candidate) {
  parse_result parsed;
  for (const profile rules : {profile::strict, profile::documented, profile::family}) {
    parsed = parse(candidate, rules);
    if (parsed.ok()) break;
  }
  return parsed;
}

void print_text(std::ostream& out, std::string_view candidate) {
  const auto field = [&out](std::string_view name) -> std::ostream& {
    return out << std::left << std::setw(13) << name;
  };
  const parse_result parsed = best_parse(candidate);
  if (parsed.ok()) {
    const token& value = parsed.value;
    field("token") << masked(value) << '\n';
    field("prefix") << value.prefix << "  (type letter '" << value.type_letter()
                    << "', type digits \"" << value.type_digits() << "\")\n";
    if (value.type != nullptr) {
      field("type") << value.type->name << ": " << value.type->description << '\n';
      field("") << "evidence: " << to_string(value.type->shape_evidence)
                << "; source: " << value.type->source << '\n';
    } else {
      field("type") << "not registered (no documented type has this prefix)\n";
    }
    field("token id") << value.token_id() << "  (safe to log)\n";
    field("public part") << value.public_part << "  (" << value.public_part.size()
                         << " characters)\n";
    field("secret part") << value.secret_part.size() << " characters, never shown\n";
  } else {
    field("token") << display_form(candidate, candidate.size()) << '\n';
  }

  out << "verdicts\n";
  for (const profile rules : all_profiles) {
    const result verdict = validate(candidate, rules);
    out << "  " << std::left << std::setw(11) << to_string(rules);
    if (verdict.ok()) {
      out << "valid\n";
      continue;
    }
    out << "invalid: " << to_string(verdict.error) << " at byte " << verdict.position << ": "
        << describe(verdict.error) << '\n';
    const std::string shown = display_form(candidate, verdict.position);
    if (verdict.position <= shown.size()) {
      out << std::string(13, ' ') << shown << '\n'
          << std::string(13 + verdict.position, ' ') << "^\n";
    }
  }
  const result legacy = validate_legacy(candidate);
  out << "  " << std::left << std::setw(11) << "legacy";
  if (legacy.ok()) {
    out << "valid: an old-format token (before Dynatrace 1.205); its ID is a UUID that cannot be "
           "derived from it\n";
  } else {
    out << "no: " << to_string(legacy.error) << " at byte " << legacy.position << '\n';
  }
}

boost::json::object inspect_json(std::string_view candidate) {
  boost::json::object object;
  const parse_result parsed = best_parse(candidate);
  object["token_id"] = parsed.ok() ? boost::json::value(parsed.value.token_id()) : nullptr;
  object["masked"] = parsed.ok() ? boost::json::value(masked(parsed.value)) : nullptr;
  object["prefix"] = parsed.ok() ? boost::json::value(parsed.value.prefix) : nullptr;
  object["public_part"] = parsed.ok() ? boost::json::value(parsed.value.public_part) : nullptr;
  object["secret_length"] =
      parsed.ok() ? boost::json::value(parsed.value.secret_part.size()) : nullptr;
  if (parsed.ok() && parsed.value.type != nullptr) {
    const token_type& type = *parsed.value.type;
    object["type"] = {
        {"prefix", type.prefix},           {"name", type.name},
        {"description", type.description}, {"evidence", to_string(type.shape_evidence)},
        {"source", type.source},           {"client_id_form", type.has_client_id_form}};
  } else {
    object["type"] = nullptr;
  }
  boost::json::object verdicts;
  for (const profile rules : all_profiles) {
    boost::json::object verdict = validation_json(candidate, rules);
    verdicts[to_string(rules)] = {{"valid", verdict["valid"]},
                                  {"error", verdict["error"]},
                                  {"position", verdict["position"]}};
  }
  const result legacy = validate_legacy(candidate);
  verdicts["legacy"] = {{"valid", legacy.ok()},
                        {"error", legacy.ok() ? boost::json::value(nullptr)
                                              : boost::json::value(to_string(legacy.error))},
                        {"position", legacy.position}};
  object["verdicts"] = std::move(verdicts);
  return object;
}

}  // namespace

int run_inspect(const arguments& args, std::ostream& out) {
  std::string format_name;
  std::vector<std::string> tokens;
  po::options_description options("Options");
  options.add_options()("help,h", "show this help and exit")(
      "format,f", po::value(&format_name)->default_value("text"), "text or json");
  if (!parse_arguments(args, options, &tokens, usage, out)) return exit_ok;
  const output_format format =
      parse_format(format_name, {output_format::text, output_format::json});
  if (tokens.size() != 1) {
    throw usage_error(tokens.empty() ? "inspect needs a TOKEN" : "inspect takes one TOKEN");
  }
  const std::string_view candidate = tokens.front();
  // One report: the text, or one JSON document, written as one JSON Lines record.
  record_writer<std::ostream> records(
      out, format == output_format::json ? output_format::jsonl : output_format::text);
  if (format == output_format::json) {
    records.add(inspect_json(candidate));
  } else {
    std::ostringstream text;
    print_text(text, candidate);
    records.add_record(text.str());
  }
  records.finish();
  bool valid_somewhere = validate_legacy(candidate).ok();
  for (const profile rules : all_profiles)
    valid_somewhere = valid_somewhere || is_valid(candidate, rules);
  return valid_somewhere ? exit_ok : exit_findings;
}

}  // namespace dtoken::cli
