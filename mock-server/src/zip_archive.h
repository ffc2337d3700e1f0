// A ZIP archive of stored (uncompressed) files, made in memory: what the synthetic PaaS and
// unattended installers of the deployment API are. Deterministic: fixed file times.
#ifndef DTOKEN_MOCK_ZIP_ARCHIVE_H
#define DTOKEN_MOCK_ZIP_ARCHIVE_H

#include <string>
#include <utility>
#include <vector>

namespace dtoken::mock {

// The archive holding these (name, content) files, in this order.
std::string zip_archive(const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_ZIP_ARCHIVE_H
