#include "scan_roots.h"

#include <system_error>

namespace fs = std::filesystem;

namespace dtoken::cli {
namespace {

fs::path absolute_form(const std::string& path) {
  std::error_code error;
  fs::path absolute = fs::absolute(path, error);
  if (error) absolute = path;
  return absolute.lexically_normal();
}

}  // namespace

fs::path scan_root(const std::string& operand) {
  const fs::path absolute = absolute_form(operand);
  std::error_code error;
  fs::path start = fs::is_directory(absolute, error) ? absolute : absolute.parent_path();
  if (start.has_filename() == false && start != start.root_path()) start = start.parent_path();
  for (fs::path at = start;; at = at.parent_path()) {
    if (fs::exists(at / ".git", error)) return at;
    if (at == at.root_path() || at.empty()) break;
  }
  return start;
}

std::string identity_path(const std::string& file, const fs::path& root) {
  const fs::path absolute = absolute_form(file);
  const fs::path relative = absolute.lexically_relative(root);
  if (relative.empty() || *relative.begin() == "..") return absolute.filename().generic_string();
  return relative.generic_string();
}

}  // namespace dtoken::cli
