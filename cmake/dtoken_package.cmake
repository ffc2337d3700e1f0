# Packages, made by CPack from the install rules' components (`cpack -G DEB` in the build tree):
#   dtoken         the command line, its man pages and completions        (component cli)
#   dtoken-mock    the mock server and its man page                        (component mock)
#   libdtoken-dev  headers, static library, CMake package, pkg-config file (component dev)
# Dependencies come from dpkg-shlibdeps. Each package carries a machine-readable copyright file
# that points at Debian's copy of the Apache-2.0 text, and the changelog, as lintian expects.
# scripts/make_archive.sh makes the portable archive from the cli and mock components;
# tests/package/package_test.sh checks both.

# /usr/share/doc/<package>/{copyright,changelog.gz} of each package.
set(dtoken_doc_root ${PROJECT_BINARY_DIR}/package-docs)
file(WRITE ${dtoken_doc_root}/copyright
     "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
     "Upstream-Name: dtoken\n"
     "\n"
     "Files: *\n"
     "Copyright: 2026 the dtoken authors\n"
     "License: Apache-2.0\n"
     "\n"
     "License: Apache-2.0\n"
     " On Debian systems, the full text of the Apache License, Version 2.0 is in\n"
     " /usr/share/common-licenses/Apache-2.0 (and in LICENSE in dtoken's sources).\n")
add_custom_command(
  OUTPUT ${dtoken_doc_root}/changelog.gz
  COMMAND gzip -9nc ${PROJECT_SOURCE_DIR}/CHANGELOG.md > ${dtoken_doc_root}/changelog.gz
  DEPENDS ${PROJECT_SOURCE_DIR}/CHANGELOG.md)
add_custom_target(dtoken_package_docs ALL DEPENDS ${dtoken_doc_root}/changelog.gz)

foreach(component_package cli:dtoken mock:dtoken-mock dev:libdtoken-dev)
  string(REPLACE ":" ";" pair ${component_package})
  list(GET pair 0 component)
  list(GET pair 1 package)
  install(FILES ${dtoken_doc_root}/copyright ${dtoken_doc_root}/changelog.gz
          DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${package} COMPONENT ${component})
endforeach()

set(CPACK_PACKAGE_NAME dtoken)
set(CPACK_PACKAGE_VENDOR "the dtoken authors")
set(CPACK_PACKAGE_CONTACT "dtoken maintainers <dtoken@example.org>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL cli mock dev)
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/dtoken/dtoken")
set(CPACK_DEBIAN_CLI_PACKAGE_NAME dtoken)
set(CPACK_DEBIAN_MOCK_PACKAGE_NAME dtoken-mock)
set(CPACK_DEBIAN_DEV_PACKAGE_NAME libdtoken-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
# A static libdtoken.a needs libcrypto on the consumer's link line (dtoken.pc says so).
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "libssl-dev")
# (The synopsis of each package is CPACK_PACKAGE_DESCRIPTION_SUMMARY; these are the extended
# descriptions, one string each.)
set(CPACK_COMPONENT_CLI_DESCRIPTION
    "The dtoken command line validates and parses Dynatrace access tokens with a precise reason \
and byte position, finds them in files, directories, streams and git history, masks them in \
logs, and generates fixtures and test vectors. It needs no Dynatrace environment and no network.")
set(CPACK_COMPONENT_MOCK_DESCRIPTION
    "dtoken-mock serves the access token, ActiveGate token, token settings and deployment APIs \
of a Dynatrace environment from memory, with a journal, fault injection, seeds and a test clock, \
for integration tests of real clients.")
set(CPACK_COMPONENT_DEV_DESCRIPTION
    "The C++ library of dtoken: headers, static library, CMake package (dtoken::dtoken) and \
pkg-config file, for validation, parsing, the token registry, scanning, redaction and \
generation.")
include(CPack)

# The packages' test (label package): only where the programs are static, as the archive needs.
if(DTOKEN_BUILD_TESTS AND DTOKEN_STATIC_PROGRAMS)
  add_test(NAME package_test
           COMMAND bash ${PROJECT_SOURCE_DIR}/tests/package/package_test.sh ${PROJECT_BINARY_DIR}
                   ${PROJECT_SOURCE_DIR} ${CMAKE_CXX_COMPILER})
  set_tests_properties(package_test PROPERTIES LABELS package TIMEOUT 900 RUN_SERIAL ON)
  # The GitHub Action and the GitLab template, run as their runners would, on the archive.
  add_test(NAME ci_integrations_test
           COMMAND bash ${PROJECT_SOURCE_DIR}/tests/cli/ci_integrations_test.sh ${PROJECT_BINARY_DIR}
                   ${PROJECT_SOURCE_DIR})
  set_tests_properties(ci_integrations_test PROPERTIES LABELS package TIMEOUT 300)
endif()
