# Helpers shared by lib/, tools/, tests/, fuzz/ and bench/.

# dtoken_set_warnings(<target>): our warning flags, on our own targets only (a consumer's flags
# are its own business); DTOKEN_WERROR makes them errors.
function(dtoken_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           $<$<BOOL:${DTOKEN_WERROR}>:-Werror>)
endfunction()

# dtoken_add_test(<name> SOURCES <file>... [LABELS <label>...] [LIBS <target>...])
# One GoogleTest executable, registered in CTest as one test named <name> with the labels given.
# Each executable is one CTest case (not gtest_discover_tests) so that a ctest run stays quick to
# schedule on two cores; GoogleTest's own output names every case that ran or failed.
function(dtoken_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LABELS;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE dtoken::dtoken GTest::gtest GTest::gtest_main ${ARG_LIBS})
  dtoken_set_warnings(${name})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/lib/src ${PROJECT_SOURCE_DIR}/tests)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}")
endfunction()

# A program that ships (dtoken, dtoken-mock): with DTOKEN_STATIC_PROGRAMS, libstdc++ and libgcc
# are linked in, so that it needs only glibc.
function(dtoken_static_program target)
  if(DTOKEN_STATIC_PROGRAMS)
    target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc)
  endif()
endfunction()
