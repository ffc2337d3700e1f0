// dtoken scan: where a finding's path counts from, so that fingerprints, baselines and SARIF URIs
// are the same however the scanned path was written (absolute, relative, from another directory).
#ifndef DTOKEN_TOOLS_SCAN_ROOTS_H
#define DTOKEN_TOOLS_SCAN_ROOTS_H

#include <filesystem>
#include <string>

namespace dtoken::cli {

// The root of the git repository that holds `operand` (the nearest directory, from the operand
// up, with a .git), or, outside a repository, the operand itself when it is a directory, else
// its directory. Lexical: symbolic links are not resolved, and nothing but .git is looked for.
std::filesystem::path scan_root(const std::string& operand);

// `file` relative to `root`, '/'-separated, with no "." or ".." (the file's name alone when it is
// not under `root`).
std::string identity_path(const std::string& file, const std::filesystem::path& root);

}  // namespace dtoken::cli

#endif  // DTOKEN_TOOLS_SCAN_ROOTS_H
