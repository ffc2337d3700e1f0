#include "mutation.h"

#include <algorithm>
#include <boost/json.hpp>
#include <random>
#include <vector>

#include "time_format.h"

namespace dtoken::mock {

namespace json = boost::json;

namespace {

// A place in the document: the value, the object holding it (nullptr in an array or at the top)
// and its key there.
struct site {
  std::string pointer;
  json::value* value;
  json::object* parent;
  std::string key;
};

std::string escape_pointer(std::string_view key) {
  std::string out;
  for (const char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

void collect(json::value& value, const std::string& pointer, json::object* parent,
             std::string_view key, std::vector<site>& out) {
  out.push_back({pointer, &value, parent, std::string(key)});
  if (auto* object = value.if_object()) {
    for (auto& member : *object) {
      collect(member.value(), pointer + "/" + escape_pointer(member.key()), object, member.key(),
              out);
    }
  } else if (auto* array = value.if_array()) {
    for (std::size_t i = 0; i < array->size(); ++i) {
      collect((*array)[i], pointer + "/" + std::to_string(i), nullptr, {}, out);
    }
  }
}

bool looks_like_date(const json::value& value) {
  const json::string* text = value.if_string();
  return text != nullptr && text->size() >= 20 && text->size() <= 40 && (*text)[4] == '-' &&
         (*text)[10] == 'T' && parse_time(std::string_view(*text), 0).has_value();
}

bool applies(mutation_kind kind, const site& place) {
  switch (kind) {
    case mutation_kind::drop_field:
      return place.parent != nullptr;
    case mutation_kind::wrong_type:
    case mutation_kind::null_value:
      return !place.pointer.empty() && !place.value->is_null();
    case mutation_kind::huge_string:
    case mutation_kind::non_ascii:
      return place.value->is_string();
    case mutation_kind::unknown_field:
      return place.value->is_object();
    case mutation_kind::date_format:
      return looks_like_date(*place.value);
  }
  return false;
}

// A value of another type than `value`.
json::value other_type(const json::value& value) {
  switch (value.kind()) {
    case json::kind::string:
      return 12345;
    case json::kind::object:
      return json::array{};
    case json::kind::array:
      return json::object{};
    case json::kind::bool_:
      return "true";
    default:  // numbers
      return json::string("12345");
  }
}

// An RFC 1123 date ("Thu, 03 Dec 2026 21:00:00 GMT") of an ISO one.
std::string rfc1123(std::string_view iso) {
  static constexpr std::string_view days[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const millis when = parse_time(iso, 0).value_or(0);
  const std::int64_t day = when / 86'400'000;
  const std::string date = format_date(when);  // yyyy-MM-ddTHH:mm:ss.SSSZ
  const int month = std::stoi(date.substr(5, 2));
  return std::string(days[static_cast<std::size_t>(day % 7)]) + ", " + date.substr(8, 2) + " " +
         std::string(months[static_cast<std::size_t>(month - 1)]) + " " + date.substr(0, 4) + " " +
         date.substr(11, 8) + " GMT";
}

void apply(mutation_kind kind, site& place, std::mt19937_64& random) {
  switch (kind) {
    case mutation_kind::drop_field:
      place.parent->erase(place.key);
      break;
    case mutation_kind::wrong_type:
      *place.value = other_type(*place.value);
      break;
    case mutation_kind::null_value:
      *place.value = nullptr;
      break;
    case mutation_kind::huge_string:
      *place.value = json::string(100'000, 'A');
      break;
    case mutation_kind::non_ascii:
      *place.value = json::string("T\xc3\xb6k\xc3\xa9n \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x9a\x80 " +
                                  std::string(place.value->as_string()));
      break;
    case mutation_kind::unknown_field:
      place.value->as_object()["dtokenUnknownField"] =
          json::object{{"nested", json::array{1, "x"}}};
      break;
    case mutation_kind::date_format: {
      const std::string iso(place.value->as_string());
      if (random() % 2 == 0) {
        *place.value = parse_time(iso, 0).value_or(0);
      } else {
        *place.value = json::string(rfc1123(iso));
      }
      break;
    }
  }
}

}  // namespace

std::string_view to_string(mutation_kind kind) noexcept {
  return mutation_names[static_cast<std::size_t>(kind)];
}

std::optional<mutation_kind> mutation_from_string(std::string_view name) noexcept {
  for (std::size_t i = 0; i < std::size(mutation_names); ++i) {
    if (mutation_names[i] == name) return static_cast<mutation_kind>(i);
  }
  return std::nullopt;
}

std::optional<mutation_note> mutate_json(std::string& body, std::uint64_t seed,
                                         std::optional<mutation_kind> only) {
  boost::system::error_code failure;
  json::value document = json::parse(body, failure);
  if (failure) return std::nullopt;
  std::vector<site> sites;
  collect(document, "", nullptr, {}, sites);
  std::mt19937_64 random(seed);
  // The kinds that have a place in this document (or the one asked for), then a place.
  std::vector<mutation_kind> kinds;
  for (std::size_t i = 0; i < std::size(mutation_names); ++i) {
    const auto kind = static_cast<mutation_kind>(i);
    if (only && *only != kind) continue;
    if (std::any_of(sites.begin(), sites.end(), [&](const site& s) { return applies(kind, s); })) {
      kinds.push_back(kind);
    }
  }
  if (kinds.empty()) return std::nullopt;
  const mutation_kind kind = kinds[random() % kinds.size()];
  std::vector<site*> places;
  for (site& place : sites) {
    if (applies(kind, place)) places.push_back(&place);
  }
  site& place = *places[random() % places.size()];
  mutation_note note{kind, place.pointer};
  apply(kind, place, random);
  body = json::serialize(document);
  return note;
}

}  // namespace dtoken::mock
