// toml++ in its header-only mode: Debian ships the library only as a shared object, and
// dtoken's programs link everything but glibc statically (DTOKEN_STATIC_PROGRAMS); its .inl
// files, in the same package, are the library's own implementation.
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 1
#include "scan_config.h"

#include <fnmatch.h>

#include <toml++/toml.h>
#include <filesystem>
#include <set>

#include "cli.h"

namespace dtoken::cli {
namespace {

const std::set<std::string_view> known_keys = {"profile",  "exclude",  "allow",
                                               "fixtures", "baseline", "max-size"};

usage_error config_error(const std::string& path, const toml::source_region& where,
                         const std::string& reason) {
  return usage_error("config " + path + ":" + std::to_string(where.begin.line) + ": " + reason);
}

std::string string_value(const std::string& path, const toml::node& node, std::string_view key) {
  const auto value = node.value<std::string>();
  if (!value || !node.is_string()) {
    throw config_error(path, node.source(), std::string(key) + " takes a string");
  }
  return *value;
}

std::vector<std::string> string_list(const std::string& path, const toml::node& node,
                                     std::string_view key) {
  const toml::array* array = node.as_array();
  if (array == nullptr) {
    throw config_error(path, node.source(), std::string(key) + " takes a list of strings");
  }
  std::vector<std::string> values;
  for (const toml::node& element : *array) values.push_back(string_value(path, element, key));
  return values;
}

// max-size: a string with a unit ("10M") or a whole number of bytes.
std::string size_value(const std::string& path, const toml::node& node) {
  if (const auto bytes = node.value<std::int64_t>(); node.is_integer() && bytes && *bytes >= 0) {
    return std::to_string(*bytes);
  }
  if (node.is_string()) return *node.value<std::string>();
  throw config_error(path, node.source(),
                     "max-size takes a size: a number of bytes, or a string such as \"10M\"");
}

}  // namespace

scan_config read_scan_config(const std::string& path) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& error) {
    throw config_error(path, error.source(), std::string(error.description()));
  }
  scan_config config;
  config.path = path;
  for (const auto& [key, node] : table) {
    const std::string_view name = key.str();
    if (!known_keys.contains(name)) {
      throw config_error(path, node.source(),
                         "unknown key '" + std::string(name) +
                             "' (known: profile, exclude, allow, fixtures, baseline, max-size)");
    }
    if (name == "profile") config.profile = string_value(path, node, name);
    if (name == "exclude") config.exclude = string_list(path, node, name);
    if (name == "allow") config.allow = string_list(path, node, name);
    if (name == "fixtures") config.fixtures = string_value(path, node, name);
    if (name == "max-size") config.max_size = size_value(path, node);
    if (name == "baseline") {
      const std::filesystem::path file = string_value(path, node, name);
      config.baseline = file.is_absolute()
                            ? file.string()
                            : (std::filesystem::path(path).parent_path() / file).string();
    }
  }
  return config;
}

bool excluded(std::string_view identity, const std::vector<std::string>& globs) {
  const std::string path(identity);
  for (const std::string& glob : globs) {
    if (glob.empty()) continue;
    if (glob.find('/') != std::string::npos) {
      // "dir/" (or "dir/**"): everything under dir.
      const std::string pattern = glob.ends_with('/') ? glob + "*" : glob;
      if (::fnmatch(pattern.c_str(), path.c_str(), 0) == 0) return true;
      continue;
    }
    for (std::size_t begin = 0; begin <= path.size();) {
      const std::size_t end = std::min(path.find('/', begin), path.size());
      const std::string name = path.substr(begin, end - begin);
      if (::fnmatch(glob.c_str(), name.c_str(), 0) == 0) return true;
      begin = end + 1;
    }
  }
  return false;
}

}  // namespace dtoken::cli
