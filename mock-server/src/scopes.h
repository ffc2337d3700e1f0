// Token scopes: which names the token API accepts, and their labels.
#ifndef DTOKEN_MOCK_SCOPES_H
#define DTOKEN_MOCK_SCOPES_H

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dtoken::mock {

struct scope_info {
  std::string_view name;   // "apiTokens.read"
  std::string_view label;  // "Read API tokens"; empty when unknown
  bool personal;           // may be given to a personal access token
};

// Every scope a token can be created with.
std::span<const scope_info> known_scopes() noexcept;
// The scope named `name`, or nullptr.
const scope_info* find_scope(std::string_view name) noexcept;

// A token's scopes, in the order they were given, at 2 bytes a scope: each is a number naming a
// known scope, or a name interned the first time it comes (the scopes of seed tokens and state
// files are not checked against the known ones). A token with every scope takes 200 bytes
// instead of the 7 KB of as many strings: 100,000 such tokens fit in the memory goal.
class scope_list {
 public:
  scope_list() = default;
  // The list of `names`; nullopt if they would intern more than 65,536 distinct names.
  static std::optional<scope_list> of(const std::vector<std::string>& names);
  // Every known scope, in the table's order.
  static scope_list every_known();

  [[nodiscard]] bool contains(std::string_view name) const;
  [[nodiscard]] std::size_t size() const noexcept { return ids_.size(); }
  [[nodiscard]] std::string_view operator[](std::size_t index) const;
  [[nodiscard]] std::vector<std::string> names() const;
  bool operator==(const scope_list&) const = default;

  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = std::string_view;
    iterator() = default;
    explicit iterator(const std::uint16_t* at) : at_(at) {}
    std::string_view operator*() const;
    iterator& operator++() {
      ++at_;
      return *this;
    }
    iterator operator++(int) {
      iterator before = *this;
      ++at_;
      return before;
    }
    bool operator==(const iterator&) const = default;

   private:
    const std::uint16_t* at_ = nullptr;
  };
  [[nodiscard]] iterator begin() const { return iterator(ids_.data()); }
  [[nodiscard]] iterator end() const { return iterator(ids_.data() + ids_.size()); }

 private:
  std::vector<std::uint16_t> ids_;
};

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_SCOPES_H
