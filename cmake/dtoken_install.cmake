# Install rules: the library, its headers, a CMake package (dtoken::dtoken) and a pkg-config file
# (component dev: the libdtoken-dev package); dtoken (component cli) and dtoken-mock (component
# mock). cmake/dtoken_docs.cmake installs the man pages and completions, dtoken_package.cmake
# makes the packages.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(DTOKEN_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/dtoken)

install(TARGETS dtoken EXPORT dtoken-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/lib/include/dtoken DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        COMPONENT dev)
install(FILES ${PROJECT_BINARY_DIR}/lib/include/dtoken/version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/dtoken COMPONENT dev)
install(EXPORT dtoken-targets NAMESPACE dtoken:: DESTINATION ${DTOKEN_CMAKE_DIR} COMPONENT dev)
export(EXPORT dtoken-targets NAMESPACE dtoken:: FILE ${PROJECT_BINARY_DIR}/dtoken-targets.cmake)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/dtoken-config.cmake.in
                              ${PROJECT_BINARY_DIR}/dtoken-config.cmake
                              INSTALL_DESTINATION ${DTOKEN_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/dtoken-config-version.cmake
                                 COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/dtoken-config.cmake ${PROJECT_BINARY_DIR}/dtoken-config-version.cmake
        DESTINATION ${DTOKEN_CMAKE_DIR} COMPONENT dev)

# A static libdtoken needs libcrypto on every link line; a shared one only privately.
if(BUILD_SHARED_LIBS)
  set(DTOKEN_PC_REQUIRES Requires.private)
else()
  set(DTOKEN_PC_REQUIRES Requires)
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/dtoken.pc.in ${PROJECT_BINARY_DIR}/dtoken.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/dtoken.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
        COMPONENT dev)

if(DTOKEN_BUILD_TOOLS)
  install(TARGETS dtoken_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT cli)
endif()
if(TARGET dtoken_mock)
  install(TARGETS dtoken_mock RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT mock)
endif()
if(DTOKEN_BUILD_TOOLS AND TARGET dtoken_mock)
  include(dtoken_package)
endif()
