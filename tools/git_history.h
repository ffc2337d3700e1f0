// dtoken scan --git and --staged: the tokens that commits (or the index) brought into a git
// repository, read with git's own plumbing in batch mode. `git log --raw` names, for each commit,
// the blobs it changed; `git cat-file --batch` then reads each unique blob once, in one process,
// and each is scanned in memory. A finding belongs to the commit whose change brought its token
// into that path (the token was not in the blob it replaced); it is reported once, for the
// oldest such commit, however many later blobs still hold it.
//
// Why git's plumbing and not libgit2: git is already what dtoken scan asks about ignored files,
// and Debian's libgit2-dev ships libgit2 only as a shared library, which the static programs
// (DTOKEN_STATIC_PROGRAMS) cannot link; git's own pack reader is also the one every repository
// is written for.
#ifndef DTOKEN_TOOLS_GIT_HISTORY_H
#define DTOKEN_TOOLS_GIT_HISTORY_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "scan_files.h"

namespace dtoken::cli {

struct git_commit {
  std::string id;      // 40 hex digits
  std::string author;  // "Name <email>"
  std::string date;    // ISO 8601, the author date
};

// One token a commit (or the index) brought in.
struct history_finding {
  finding found;           // its line and column in the blob; its token in history_result::tokens
  std::size_t commit = 0;  // index in history_result::commits (staged: none, see `staged`)
  std::string path;        // in the repository, '/'-separated
  bool fixture = false;
  fingerprint_text print{};  // when options.fingerprints: over the commit, path, ID, occurrence
};

struct history_result {
  std::vector<git_commit> commits;        // oldest first
  std::vector<history_finding> findings;  // in the order of their commits
  token_arena tokens;
  bool staged = false;
  std::string head;       // the commit HEAD names (empty in a repository without commits)
  std::size_t blobs = 0;  // blobs scanned
  std::uint64_t bytes = 0;
  std::size_t skipped_large = 0;  // blobs over --max-size
  std::size_t fixtures_skipped = 0;
};

// The revisions and options of `git log` that --log-opts may hold: revisions and ranges
// (main, A..B, ^C), --all, --branches, --tags, --remotes (with or without =PATTERN), --since,
// --until, --after, --before, --author, --max-count (-n), --first-parent, --no-merges. Anything
// else throws usage_error: no option may make git write a file or run a program.
std::vector<std::string> parse_log_options(const std::string& text);

// The tokens the commits of `revisions` (git log's own syntax; default --all) brought in.
history_result scan_history(const std::string& repository,
                            const std::vector<std::string>& revisions, const scan_options& options,
                            const std::vector<std::string>& excludes);

// The tokens the index brings in against HEAD: what `git commit` is about to record.
history_result scan_staged(const std::string& repository, const scan_options& options,
                           const std::vector<std::string>& excludes);

}  // namespace dtoken::cli

#endif  // DTOKEN_TOOLS_GIT_HISTORY_H
