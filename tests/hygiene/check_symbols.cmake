# Fails when the library references a function that prints, exits, aborts, asserts or throws.
execute_process(COMMAND ${NM} --undefined-only --demangle ${LIBRARY}
                OUTPUT_VARIABLE symbols RESULT_VARIABLE status)
if(NOT status EQUAL 0 OR symbols STREQUAL "")
  message(FATAL_ERROR "nm could not list the symbols of ${LIBRARY}")
endif()
set(forbidden abort exit _exit _Exit quick_exit printf fprintf vprintf puts fputs putchar fwrite
    perror __assert_fail __cxa_throw std::cout std::cerr std::clog std::terminate)
set(found "")
foreach(name IN LISTS forbidden)
  string(REGEX MATCH "\n +U ${name}(@[^\n]*)?\n" hit "\n${symbols}\n")
  if(hit)
    list(APPEND found ${name})
  endif()
endforeach()
if(found)
  message(FATAL_ERROR "lib/ must not print, exit, abort, assert or throw; it references: ${found}")
endif()
message(STATUS "no forbidden symbol in ${LIBRARY}")
