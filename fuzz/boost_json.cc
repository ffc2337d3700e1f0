// Boost.JSON compiled from its sources into the fuzz targets, instead of linked from
// libboost_json: its code is then instrumented like ours, and the targets build against any C++
// standard library (OSS-Fuzz compiles with libc++, Debian's libboost_json with libstdc++).
#include <boost/json/src.hpp>
