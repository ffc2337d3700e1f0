#include "zip_archive.h"

#include <boost/crc.hpp>
#include <cstdint>

namespace dtoken::mock {

namespace {

void put16(std::string& out, std::uint32_t value) {
  out += static_cast<char>(value & 0xff);
  out += static_cast<char>((value >> 8) & 0xff);
}

void put32(std::string& out, std::uint32_t value) {
  put16(out, value & 0xffff);
  put16(out, value >> 16);
}

// The fields a local header and a central directory entry share, from "version needed" on.
void common_fields(std::string& out, const std::string& name, const std::string& content,
                   std::uint32_t crc) {
  constexpr std::uint32_t dos_time = 0;                         // 00:00:00
  constexpr std::uint32_t dos_date = (46 << 9) | (1 << 5) | 1;  // 2026-01-01
  put16(out, 10);                                               // version needed: 1.0
  put16(out, 0);                                                // flags
  put16(out, 0);                                                // stored
  put16(out, dos_time);
  put16(out, dos_date);
  put32(out, crc);
  put32(out, static_cast<std::uint32_t>(content.size()));  // compressed size
  put32(out, static_cast<std::uint32_t>(content.size()));  // size
  put16(out, static_cast<std::uint32_t>(name.size()));
  put16(out, 0);  // extra field length
}

}  // namespace

std::string zip_archive(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string out;
  std::string directory;
  for (const auto& [name, content] : files) {
    boost::crc_32_type crc;
    crc.process_bytes(content.data(), content.size());
    const auto offset = static_cast<std::uint32_t>(out.size());
    put32(out, 0x04034b50);
    common_fields(out, name, content, crc.checksum());
    out += name;
    out += content;
    put32(directory, 0x02014b50);
    put16(directory, 20);  // made by: 2.0, MS-DOS
    common_fields(directory, name, content, crc.checksum());
    put16(directory, 0);  // comment length
    put16(directory, 0);  // disk
    put16(directory, 0);  // internal attributes
    put32(directory, 0);  // external attributes
    put32(directory, offset);
    directory += name;
  }
  const auto directory_offset = static_cast<std::uint32_t>(out.size());
  out += directory;
  put32(out, 0x06054b50);
  put16(out, 0);
  put16(out, 0);
  put16(out, static_cast<std::uint32_t>(files.size()));
  put16(out, static_cast<std::uint32_t>(files.size()));
  put32(out, static_cast<std::uint32_t>(directory.size()));
  put32(out, directory_offset);
  put16(out, 0);  // comment length
  return out;
}

}  // namespace dtoken::mock
