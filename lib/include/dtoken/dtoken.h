// dtoken: an offline toolkit for Dynatrace access tokens. This header includes the whole API.
#ifndef DTOKEN_DTOKEN_H
#define DTOKEN_DTOKEN_H

#include "dtoken/error.h"
#include "dtoken/fixtures.h"
#include "dtoken/generate.h"
#include "dtoken/redact.h"
#include "dtoken/scan.h"
#include "dtoken/token.h"
#include "dtoken/validate.h"
#include "dtoken/version.h"

#endif  // DTOKEN_DTOKEN_H
