#include "report_records.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <vector>

#include "cli.h"
#include "json_text.h"
#include "scan_filters.h"

namespace dtoken::cli {
namespace {

void append_number(std::string& out, std::uint64_t number) {
  std::array<char, 20> digits{};
  out.append(digits.data(),
             std::to_chars(digits.data(), digits.data() + digits.size(), number).ptr);
}

// A member (`name` written as it goes: the comma, the quoted name and the colon) with a number.
void append_member(std::string& out, std::string_view name, std::uint64_t number) {
  out += name;
  append_number(out, number);
}

void append_bool(std::string& out, bool flag) { out += flag ? "true" : "false"; }

// A string value, quoted and escaped.
void append_quoted(std::string& out, std::string_view text) {
  out += '"';
  append_escaped(out, text);
  out += '"';
}

// The members "bounded", "fixture" and, for an encoded token, "encoding" (both formats).
void append_flags(std::string& out, const report_item& item) {
  out += ",\"bounded\":";
  append_bool(out, item.found.bounded);
  out += ",\"fixture\":";
  append_bool(out, item.fixture);
  if (item.found.encoded != encoding::none) {
    out += ",\"encoding\":";
    append_quoted(out, to_string(item.found.encoded));
  }
}

// What a SARIF result of this rule and level starts with, up to the token ID in its message.
const std::string& sarif_head(const finding& found, bool fixture) {
  thread_local std::vector<std::string> heads;  // by rule index and level
  const std::size_t index = 2 * sarif_rule_index(found) + (fixture ? 1 : 0);
  if (heads.size() <= index) heads.resize(2 * (token_types().size() + 1));
  std::string& head = heads[index];
  if (head.empty()) {
    head = "{\"ruleId\":\"";
    append_escaped(head, generic_rule);
    if (found.type != nullptr) {
      head += '/';
      append_escaped(head, found.type->prefix);
    }
    head += "\",\"ruleIndex\":";
    append_number(head, sarif_rule_index(found));
    head += fixture ? ",\"level\":\"note\"" : ",\"level\":\"error\"";
    head += ",\"message\":{\"text\":\"";
    head += "Dynatrace ";
    append_escaped(head, found.type != nullptr ? found.type->name : "access token");
    head += ' ';
  }
  return head;
}

// What follows the token ID of a SARIF result of this file and level, up to its start line.
const std::string& sarif_location(std::string_view identity, bool fixture) {
  thread_local std::string last_identity;
  thread_local std::array<std::string, 2> pieces;  // by level
  if (pieces[0].empty() || identity != last_identity) {
    last_identity.assign(identity);
    const std::string uri = path_uri(identity);
    for (const bool marked : {false, true}) {
      std::string& piece = pieces[marked ? 1 : 0];
      piece.clear();
      append_escaped(piece, marked ? " (a marked fixture) with its secret in clear text."
                                   : " with its secret in clear text.");
      piece += "\"},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":";
      append_quoted(piece, uri);
      piece += ",\"uriBaseId\":\"%SRCROOT%\"},\"region\":{\"startLine\":";
    }
  }
  return pieces[fixture ? 1 : 0];
}

// write_sarif_result() of a file's finding.
void write_sarif_result_of_file(std::string& out, const report_item& item) {
  const finding& found = item.found;
  out += sarif_head(found, item.fixture);
  append_escaped(out, found.token_id());
  out += sarif_location(item.identity, item.fixture);
  append_number(out, found.line);
  append_member(out, ",\"startColumn\":", found.column);
  append_member(out, ",\"endLine\":", found.line);
  append_member(out, ",\"endColumn\":", found.column + found.length);
  append_member(out, ",\"byteOffset\":", found.offset);
  append_member(out, ",\"byteLength\":", found.length);
  out += "}}}],\"partialFingerprints\":{";
  append_quoted(out, fingerprint_key);
  out += ':';
  append_quoted(out, item.fingerprint);
  out += "},\"properties\":{\"tokenId\":";
  append_quoted(out, found.token_id());
  append_flags(out, item);
  out += "}}";
}

// The pieces of a file's JSON records: the start, up to its offset, and the path's exact bytes
// when they are no valid UTF-8.
struct json_path_pieces {
  std::string head;   // {"path":"...","offset":
  std::string exact;  // ,"path_base64":"..." or nothing
};

const json_path_pieces& json_pieces(std::string_view path) {
  thread_local std::string last_path;
  thread_local json_path_pieces pieces;
  if (pieces.head.empty() || path != last_path) {
    last_path.assign(path);
    const std::string readable = valid_utf8(path);
    pieces.head = "{\"path\":";
    append_quoted(pieces.head, readable);
    pieces.head += ",\"offset\":";
    pieces.exact.clear();
    if (readable != path) {
      pieces.exact = ",\"path_base64\":";
      append_quoted(pieces.exact, base64(path));
    }
  }
  return pieces;
}

// The members "type" and "type_name", and the name of "token_id".
void append_type(std::string& out, std::string_view prefix, const token_type* type) {
  out += ",\"type\":";
  append_quoted(out, prefix);
  out += ",\"type_name\":";
  if (type != nullptr) {
    append_quoted(out, type->name);
  } else {
    out += "null";
  }
  out += ",\"token_id\":";
}

// append_type() of a registered type's records, made once.
const std::string& json_type_piece(const token_type& type) {
  thread_local std::vector<std::string> pieces;  // by type
  const auto index = static_cast<std::size_t>(&type - token_types().data());
  if (pieces.size() <= index) pieces.resize(token_types().size());
  std::string& piece = pieces[index];
  if (piece.empty()) append_type(piece, type.prefix, &type);
  return piece;
}

// The member "profile" and the name of "fingerprint", made once for each profile.
const std::string& json_profile_piece(profile rules) {
  thread_local std::array<std::string, 3> pieces;  // by profile
  std::string& piece = pieces.at(static_cast<std::size_t>(rules));
  if (piece.empty()) {
    piece = ",\"profile\":";
    append_quoted(piece, to_string(rules));
    piece += ",\"fingerprint\":";
  }
  return piece;
}

// write_json_record() of a file's finding.
void write_json_record_of_file(std::string& out, const report_item& item, profile rules,
                               bool show_secret) {
  const finding& found = item.found;
  const json_path_pieces& pieces = json_pieces(report_path(item.path));
  out += pieces.head;
  append_number(out, found.offset);
  append_member(out, ",\"length\":", found.length);
  append_member(out, ",\"line\":", found.line);
  append_member(out, ",\"column\":", found.column);
  const std::string_view prefix = found.token.substr(0, prefix_length);
  if (found.type != nullptr && prefix == found.type->prefix) {
    out += json_type_piece(*found.type);
  } else {
    append_type(out, prefix, found.type);
  }
  append_quoted(out, found.token_id());
  append_flags(out, item);
  out += json_profile_piece(rules);
  append_quoted(out, item.fingerprint);
  out += pieces.exact;
  if (show_secret) {
    out += ",\"token\":";
    append_quoted(out, found.token);
  }
  out += '}';
}

}  // namespace

std::size_t sarif_rule_index(const finding& found) {
  if (found.type == nullptr) return 0;
  return 1 + static_cast<std::size_t>(found.type - token_types().data());
}

// write_sarif_result(), for every finding, with json_text. Its URI is the path relative to the
// scan root (no "..").
// (Its strings are made in buffers kept from one result to the next, and a file's URI once for
// its findings, which come one after another, instead of new strings for each result.)
void write_sarif_result_general(std::string& out, const report_item& item) {
  const finding& found = item.found;
  thread_local std::string rule;
  thread_local std::string message;
  thread_local std::string last_identity;
  thread_local std::string uri;
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

// write_json_record(), for every finding, with json_text.
void write_json_record_general(std::string& out, const report_item& item, profile rules,
                               bool show_secret) {
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

void write_sarif_result(std::string& out, const report_item& item) {
  if (item.commit != nullptr || item.path == "-") {
    write_sarif_result_general(out, item);
  } else {
    write_sarif_result_of_file(out, item);
  }
}

void write_json_record(std::string& out, const report_item& item, profile rules, bool show_secret) {
  if (item.commit != nullptr) {
    write_json_record_general(out, item, rules, show_secret);
  } else {
    write_json_record_of_file(out, item, rules, show_secret);
  }
}

}  // namespace dtoken::cli
