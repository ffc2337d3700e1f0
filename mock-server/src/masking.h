// What the mock keeps of a request for the journal and the log: never a secret. Paths, query
// strings, header values and bodies go through the library's redactor (family profile: every real
// token shape, its secret masked, its ID kept), and through one rule of the mock's own for
// old-format tokens, which have no prefix to find them by: a run of exactly 21 characters of
// [A-Za-z0-9_-] between characters outside that set is masked whole. (A name of that shape is
// masked too: the mock cannot tell it from a secret.)
#ifndef DTOKEN_MOCK_MASKING_H
#define DTOKEN_MOCK_MASKING_H

#include <string>
#include <string_view>

namespace dtoken::mock {

// `text` with every secret masked, length-preserving.
std::string mask_secrets(std::string_view text);

// An Authorization header's value reduced to its scheme and token ID ("Api-Token
// dt0c01.ST2EY72KQINMH574WMNVI7YN"); `known_id` stands for a credential whose ID cannot be read
// from it (an old-format token the mock found); "****" when neither.
std::string reduce_authorization(std::string_view value, std::string_view known_id);

// `text` as valid UTF-8 (each byte of an invalid sequence becomes '?'), cut at `limit` bytes
// (then "..." follows): fit for a JSON string.
std::string valid_utf8(std::string_view text, std::size_t limit);

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_MASKING_H
