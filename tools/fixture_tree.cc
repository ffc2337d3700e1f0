#include "fixture_tree.h"

#include <stdexcept>
#include <string>

#include "cli.h"
#include "dtoken/validate.h"
#include "dtoken/version.h"
#include "record_writer.h"

namespace fs = std::filesystem;

namespace dtoken::cli {
namespace {

void make_directory(const fs::path& path) {
  std::error_code error;
  fs::create_directories(path, error);
  if (error) throw std::runtime_error("cannot create " + path.string() + ": " + error.message());
}

}  // namespace

std::string_view fixture_extension(syntax kind) noexcept {
  switch (kind) {
    case syntax::dotenv:
      return ".env";
    case syntax::yaml:
      return ".yaml";
    case syntax::json:
      return ".json";
    case syntax::toml:
      return ".toml";
    case syntax::ini:
      return ".ini";
    case syntax::shell_export:
      return ".sh";
    case syntax::dockerfile_env:
      return ".Dockerfile";
    case syntax::kubernetes_secret:
      return ".yaml";
    case syntax::terraform:
      return ".tf";
    case syntax::python:
      return ".py";
    case syntax::javascript:
      return ".js";
    case syntax::java:
      return ".java";
    case syntax::go:
      return ".go";
    case syntax::authorization_header:
      return ".http";
    case syntax::curl:
      return ".sh";
    case syntax::url_query:
      return ".txt";
    case syntax::log_line:
      return ".log";
  }
  return ".txt";
}

fixture_tree::fixture_tree(fs::path directory, std::span<const syntax> syntaxes)
    : directory_(std::move(directory)), syntaxes_(syntaxes.begin(), syntaxes.end()) {
  make_directory(directory_);
  for (const syntax kind : syntaxes_) make_directory(directory_ / std::string(to_string(kind)));
}

void fixture_tree::add(std::string_view token, std::string_view type_name, std::uint64_t index) {
  const parse_result parsed = parse(token, profile::family);
  for (const syntax kind : syntaxes_) {
    const embedded_sample sample = embed(token, kind);
    std::string name = std::string(to_string(kind)) + "/" + std::string(type_name) + "-" +
                       std::to_string(index) + std::string(fixture_extension(kind));
    write_file((directory_ / name).string(), sample.text);
    files_.push_back({{"path", std::move(name)},
                      {"syntax", to_string(kind)},
                      {"type", type_name},
                      {"index", index},
                      {"token_id", parsed.ok() ? boost::json::value(parsed.value.token_id())
                                               : boost::json::value(nullptr)},
                      {"offset", sample.offset},
                      {"length", sample.length}});
  }
}

std::size_t fixture_tree::finish() {
  const boost::json::object manifest{{"generator", "dtoken " DTOKEN_VERSION_STRING},
                                     {"files", files_}};
  write_file((directory_ / "manifest.json").string(), json_document(manifest));
  return files_.size();
}

}  // namespace dtoken::cli
