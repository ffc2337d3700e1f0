// The tenant token: what OneAgents and ActiveGates authenticate with (facts section 3.2).
#ifndef DTOKEN_MOCK_TENANT_TOKEN_H
#define DTOKEN_MOCK_TENANT_TOKEN_H

#include <string>

namespace dtoken::mock {

// 20 random characters [a-z0-9] from the CSPRNG; empty if it fails. The format is not published
// (facts section 3.2, open question 4); the docs' placeholders are 20 characters long.
std::string new_tenant_token();

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_TENANT_TOKEN_H
