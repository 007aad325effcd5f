# Configures tests/consumer/subdir (a project that adds ehub with add_subdirectory), builds its
# consumer (and so the ehub library, nothing else) and runs it. Invoked by ctest (cmake -P).
file(REMOVE_RECURSE ${WORK_DIR})
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  message(STATUS "${out}")
endfunction()
find_program(CCACHE ccache)
set(launcher)
if(CCACHE)
  set(launcher -DCMAKE_CXX_COMPILER_LAUNCHER=${CCACHE} -DCMAKE_C_COMPILER_LAUNCHER=${CCACHE})
endif()
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer/subdir -B ${WORK_DIR}/build -G ${GENERATOR}
    -DEHUB_SOURCE_DIR=${SOURCE_DIR} -DCMAKE_BUILD_TYPE=Release ${launcher})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build --target consumer -j 2)
run(${WORK_DIR}/build/consumer)
