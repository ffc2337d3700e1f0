// Structure-aware mutations of a JSON answer, for the `mutate` fault: the real answer, changed in
// one place the way a server bug or a new API version could change it. Seeded: the same answer
// and seed give the same mutation, so a client's failure replays from the journal's record.
#ifndef DTOKEN_MOCK_MUTATION_H
#define DTOKEN_MOCK_MUTATION_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dtoken::mock {

enum class mutation_kind : std::uint8_t {
  drop_field,     // a member of an object is left out (a required field missing)
  wrong_type,     // a value becomes one of another type (a string a number, an array an object)
  huge_string,    // a string becomes 100,000 characters long
  non_ascii,      // a string gains non-ASCII characters (accents, CJK, an emoji)
  unknown_field,  // an object gains a member no schema names
  null_value,     // a value becomes null
  date_format,    // a date string comes in another format (milliseconds, RFC 1123)
};
inline constexpr std::string_view mutation_names[] = {"drop_field", "wrong_type",    "huge_string",
                                                      "non_ascii",  "unknown_field", "null_value",
                                                      "date_format"};

[[nodiscard]] std::string_view to_string(mutation_kind kind) noexcept;
[[nodiscard]] std::optional<mutation_kind> mutation_from_string(std::string_view name) noexcept;

// What a mutation changed: its kind and the JSON pointer of the place ("" for the document).
struct mutation_note {
  mutation_kind kind;
  std::string pointer;
};

// Changes the JSON document `body` by one mutation drawn from `seed` (of kind `only` when given).
// nullopt, and `body` unchanged, when it is no JSON or has no place for such a mutation.
std::optional<mutation_note> mutate_json(std::string& body, std::uint64_t seed,
                                         std::optional<mutation_kind> only);

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_MUTATION_H
