// `dtoken generate --embed SYNTAX... --out-dir DIR`: a tree of fixture files, one file per token
// and syntax (DIR/SYNTAX/TYPE-INDEX.EXT), and DIR/manifest.json that says, for each file, which
// token it holds (its token ID) and where. The manifest holds no whole token: a scanner run over
// the tree must find exactly the files it lists.
#ifndef DTOKEN_TOOLS_FIXTURE_TREE_H
#define DTOKEN_TOOLS_FIXTURE_TREE_H

#include <boost/json.hpp>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

#include "dtoken/fixtures.h"

namespace dtoken::cli {

// The file name extension (or, for a Dockerfile, the name's tail) of a syntax's fixture files.
[[nodiscard]] std::string_view fixture_extension(syntax kind) noexcept;

class fixture_tree {
 public:
  // Creates `directory` (and its parents) when missing. Throws std::runtime_error when it cannot.
  fixture_tree(std::filesystem::path directory, std::span<const syntax> syntaxes);

  // Writes `token` (of `type_name`, generated at `index`) into one file of each syntax.
  // Throws std::runtime_error naming the file that cannot be written.
  void add(std::string_view token, std::string_view type_name, std::uint64_t index);

  // Writes manifest.json; returns how many fixture files were written.
  std::size_t finish();

 private:
  std::filesystem::path directory_;
  std::vector<syntax> syntaxes_;
  boost::json::array files_;
};

}  // namespace dtoken::cli

#endif  // DTOKEN_TOOLS_FIXTURE_TREE_H
