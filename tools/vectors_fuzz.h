// The fuzzing part of the vector set (vectors/fuzz/): a libFuzzer dictionary and a seed corpus of
// marked tokens, near misses and files that hold tokens, for other projects' fuzz targets.
#ifndef DTOKEN_TOOLS_VECTORS_FUZZ_H
#define DTOKEN_TOOLS_VECTORS_FUZZ_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dtoken::cli {

struct fuzz_vector_file {
  std::string path;  // relative to vectors/: fuzz/dtoken.dict or fuzz/seeds/NAME
  std::string content;
  std::string_view kind;  // "dictionary" or "seed"
};

// The dictionary first, then the seeds by name. Every token comes from generate() with `seed`
// and `label`, marked; the same arguments give the same bytes.
[[nodiscard]] std::vector<fuzz_vector_file> fuzz_vectors(std::uint64_t seed,
                                                         std::string_view label);

}  // namespace dtoken::cli

#endif  // DTOKEN_TOOLS_VECTORS_FUZZ_H
