// The redactor. Bytes flow through in order; the scanner reports each token once the byte after it
// is known, so a token can only still be undiscovered in the last 96 bytes fed. Everything before
// that is written at once, with the reported ranges masked; the last 96 bytes wait in `held_`.
#include "dtoken/redact.h"
#include "detail/sha256.h"

#include <algorithm>
#include <cstring>

namespace dtoken {

std::string_view to_string(redact_mode mode) noexcept {
  switch (mode) {
    case redact_mode::mask_token:
      return "mask_token";
    case redact_mode::digest:
      return "digest";
    case redact_mode::mask_secret:
      break;
  }
  return "mask_secret";
}

bool secret_digest(std::string_view token, std::array<char, digest_length>& out) noexcept {
  detail::sha256_digest hash{};
  if (!detail::sha256(token, hash)) return false;
  static constexpr std::string_view label = "sha256:";
  static constexpr char hex[] = "0123456789abcdef";
  std::memcpy(out.data(), label.data(), label.size());
  for (std::size_t i = 0; i < (digest_length - label.size()) / 2; ++i) {
    out[label.size() + 2 * i] = hex[hash[i] >> 4];
    out[label.size() + 2 * i + 1] = hex[hash[i] & 15];
  }
  return true;
}

std::optional<redact_mode> redact_mode_from_string(std::string_view name) noexcept {
  if (name == "mask_secret") return redact_mode::mask_secret;
  if (name == "mask_token") return redact_mode::mask_token;
  if (name == "digest") return redact_mode::digest;
  return std::nullopt;
}

void redactor::pass(std::uint64_t until) noexcept {
  const std::uint64_t held_base = chunk_base_ - held_size_;
  if (emitted_ < until && emitted_ < chunk_base_) {
    const std::uint64_t stop = std::min(until, chunk_base_);
    sink_(context_, std::string_view(held_.data() + (emitted_ - held_base),
                                     static_cast<std::size_t>(stop - emitted_)));
    emitted_ = stop;
  }
  if (emitted_ < until) {
    sink_(context_, chunk_.substr(static_cast<std::size_t>(emitted_ - chunk_base_),
                                  static_cast<std::size_t>(until - emitted_)));
    emitted_ = until;
  }
}

void redactor::stars(std::size_t count) noexcept {
  static constexpr std::array<char, longest_token_length> filled = [] {
    std::array<char, longest_token_length> all{};
    all.fill('*');
    return all;
  }();
  sink_(context_, std::string_view(filled.data(), count));
}

// A token is reported once the byte after it has been fed, so all of it is in held_ or chunk_:
// write what comes before it, then the token with its mask.
void redactor::on_finding(void* context, const finding& found) noexcept {
  auto& self = *static_cast<redactor*>(context);
  const std::uint64_t end = found.offset + found.length;
  const std::uint64_t masked_from =
      self.mode_ == redact_mode::mask_token ? found.offset : end - secret_length;
  self.pass(masked_from);
  std::array<char, digest_length> digest{};
  if (self.mode_ == redact_mode::digest && secret_digest(found.token, digest)) {
    self.sink_(self.context_, std::string_view(digest.data(), digest.size()));
  } else {
    self.stars(static_cast<std::size_t>(end - masked_from));  // (a failed digest masks)
  }
  self.emitted_ = end;
  ++self.masked_;
}

void redactor::feed(std::string_view chunk, output_sink sink, void* context) noexcept {
  chunk_ = chunk;
  chunk_base_ = end_;
  sink_ = sink;
  context_ = context;
  end_ += chunk.size();
  scanner_.feed(chunk, &on_finding, this);
  // No undiscovered token can cover a byte before the last 96: write up to there.
  pass(std::max(emitted_, end_ > held_back ? end_ - held_back : 0));
  // Hold back the rest: the tail of the held bytes and of the chunk.
  std::array<char, held_back> next;
  const std::size_t next_size = static_cast<std::size_t>(end_ - emitted_);
  const std::uint64_t held_base = chunk_base_ - held_size_;
  for (std::size_t i = 0; i < next_size; ++i) {
    const std::uint64_t at = emitted_ + i;
    next[i] = at < chunk_base_ ? held_[static_cast<std::size_t>(at - held_base)]
                               : chunk[static_cast<std::size_t>(at - chunk_base_)];
  }
  held_ = next;
  held_size_ = next_size;
  chunk_ = {};
  chunk_base_ = end_;
}

void redactor::finish(output_sink sink, void* context) noexcept {
  sink_ = sink;
  context_ = context;
  chunk_ = {};
  chunk_base_ = end_;
  scanner_.finish(&on_finding, this);
  pass(end_);
  held_size_ = 0;
  emitted_ = 0;
  end_ = 0;
  chunk_base_ = 0;
}

std::string redact(std::string_view text, profile rules, redact_mode mode) {
  std::string out;
  out.reserve(text.size());  // (mask modes keep the length; digests make it shorter)
  redactor filter(rules, mode);
  const auto append = [&out](std::string_view bytes) noexcept { out.append(bytes); };
  filter.feed(text, append);
  filter.finish(append);
  return out;
}

std::size_t mask_encoded(std::span<char> text, profile rules) noexcept {
  const std::string_view view(text.data(), text.size());
  std::size_t found = 0;
  // (masking as findings come: a run masked holds no mark any more, so its other tokens are not
  // reported again, and nothing needs storing)
  scan_encoded_part(view, 0, view.size(), rules, [&](const finding& encoded) {
    auto at = static_cast<std::size_t>(encoded.offset);
    const std::size_t end = at + encoded.length;
    // Plain tokens that overlap the run keep their bytes (a token starts at most 95 bytes before).
    const std::size_t from = at > longest_token_length ? at - longest_token_length : 0;
    scan_part(view, from, end, rules, [&](const finding& plain) {
      const auto plain_begin = static_cast<std::size_t>(plain.offset);
      const std::size_t plain_end = plain_begin + plain.length;
      if (plain_end <= at) return;
      for (; at < std::min(plain_begin, end); ++at) text[at] = '*';
      at = std::max(at, plain_end);
    });
    for (; at < end; ++at) text[at] = '*';
    ++found;
  });
  return found;
}

}  // namespace dtoken
