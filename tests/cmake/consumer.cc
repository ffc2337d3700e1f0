// A tiny program that uses dtoken as a consumer would: it must compile, link and give the
// expected verdicts.
#include <dtoken/dtoken.h>

#include <cstdio>

int main() {
  constexpr std::string_view token =
      "dt0s01.ST2EY72KQINMH574WMNVI7YN."
      "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
  const dtoken::parse_result parsed = dtoken::parse(token);
  const bool ok = parsed.ok() && parsed.value.token_id() == "dt0s01.ST2EY72KQINMH574WMNVI7YN" &&
                  !dtoken::is_valid("dt0c01.ABC") &&
                  dtoken::validate("dt0c01.ABC").error == dtoken::error_code::public_part_too_short;
  std::printf("dtoken %s: %s\n", DTOKEN_VERSION_STRING, ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
