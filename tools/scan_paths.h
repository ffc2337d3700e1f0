// dtoken scan: which files a list of PATH operands stands for.
#ifndef DTOKEN_TOOLS_SCAN_PATHS_H
#define DTOKEN_TOOLS_SCAN_PATHS_H

#include <string>
#include <vector>

namespace dtoken::cli {

// A path that could not be listed, and why.
struct path_problem {
  std::string path;
  std::string message;
};

// Expands PATH operands into the files to scan, in a stable order. "-" (standard input) and files
// stay as given. A directory is walked recursively without its .git folders; with
// `honour_ignores`, a directory inside a git work tree lists the files git would consider
// (`git ls-files --cached --others --exclude-standard`: tracked files and untracked ones that no
// .gitignore, .git/info/exclude or global excludes file ignores). Outside a work tree, or when git
// is missing, the walk is the plain one. Broken symbolic links and unreadable directories become
// problems; the expansion goes on.
std::vector<std::string> expand_paths(const std::vector<std::string>& operands, bool honour_ignores,
                                      std::vector<path_problem>& problems);

}  // namespace dtoken::cli

#endif  // DTOKEN_TOOLS_SCAN_PATHS_H
