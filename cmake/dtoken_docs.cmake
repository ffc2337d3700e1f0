# Man pages (help2man) and shell completions (scripts/make_completions.py), generated at build
# time from the --help of the programs just built: one source for the options, their help texts
# and their values. Installed by `cmake --install` and the packages.
find_program(DTOKEN_HELP2MAN help2man)
find_package(Python3 COMPONENTS Interpreter)
if(NOT DTOKEN_HELP2MAN OR NOT Python3_FOUND)
  message(STATUS "dtoken: no man pages or completions (apt-get install help2man python3)")
  return()
endif()

set(dtoken_man_dir ${PROJECT_BINARY_DIR}/man)
set(dtoken_completion_dir ${PROJECT_BINARY_DIR}/completions)
add_custom_command(
  OUTPUT ${dtoken_man_dir}/dtoken.1 ${dtoken_man_dir}/dtoken-mock.1
  COMMAND bash ${PROJECT_SOURCE_DIR}/scripts/make_man.sh $<TARGET_FILE:dtoken_cli>
          $<TARGET_FILE:dtoken_mock> ${dtoken_man_dir}
  DEPENDS dtoken_cli dtoken_mock ${PROJECT_SOURCE_DIR}/scripts/make_man.sh
  COMMENT "Writing the man pages with help2man")
add_custom_command(
  OUTPUT ${dtoken_completion_dir}/dtoken.bash ${dtoken_completion_dir}/_dtoken
         ${dtoken_completion_dir}/dtoken.fish
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/scripts/make_completions.py
          $<TARGET_FILE:dtoken_cli> $<TARGET_FILE:dtoken_mock> ${dtoken_completion_dir}
  DEPENDS dtoken_cli dtoken_mock ${PROJECT_SOURCE_DIR}/scripts/make_completions.py
  COMMENT "Writing the bash, zsh and fish completions")
add_custom_target(dtoken_docs ALL
  DEPENDS ${dtoken_man_dir}/dtoken.1 ${dtoken_completion_dir}/dtoken.bash)

if(DTOKEN_INSTALL)
  # (gzipped, as Debian installs man pages; man reads both)
  install(DIRECTORY ${dtoken_man_dir}/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT cli
          FILES_MATCHING PATTERN "dtoken*.1.gz" PATTERN "dtoken-mock.1.gz" EXCLUDE)
  install(FILES ${dtoken_man_dir}/dtoken-mock.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
          COMPONENT mock)
  # bash-completion loads a command's file by its name: the same file for both programs.
  install(FILES ${dtoken_completion_dir}/dtoken.bash
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME dtoken
          COMPONENT cli)
  install(FILES ${dtoken_completion_dir}/dtoken.bash
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME dtoken-mock
          COMPONENT mock)
  install(FILES ${dtoken_completion_dir}/_dtoken
          DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions COMPONENT cli)
  install(FILES ${dtoken_completion_dir}/dtoken.fish
          DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d COMPONENT cli)
endif()

if(DTOKEN_BUILD_TESTS)
  add_test(NAME completions_test
           COMMAND bash ${PROJECT_SOURCE_DIR}/tests/cli/completions_test.sh
                   $<TARGET_FILE:dtoken_cli> $<TARGET_FILE:dtoken_mock> ${dtoken_man_dir}
                   ${dtoken_completion_dir})
  set_tests_properties(completions_test PROPERTIES LABELS cli)
endif()
