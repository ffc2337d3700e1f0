// GoogleTest printers for dtoken's types, so that a failure shows "trailing_data@96", not bytes.
#ifndef DTOKEN_TESTS_SUPPORT_PRINT_H
#define DTOKEN_TESTS_SUPPORT_PRINT_H

#include <ostream>

#include "dtoken/error.h"

namespace dtoken {

inline void PrintTo(const result& value, std::ostream* out) {
  *out << to_string(value.error) << '@' << value.position;
}

}  // namespace dtoken

#endif  // DTOKEN_TESTS_SUPPORT_PRINT_H
