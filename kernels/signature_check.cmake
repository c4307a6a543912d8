# The binding signature check at build time (DESIGN.md, "Bindings"), optional.
#
# For each native library with a Java binding whose header is found here, this generates a C++ file from the
# compiled binding classes (io.gcgan.bindings.SignatureCheck reads every FFM descriptor listed in the library's
# symbols.txt) and compiles it: a descriptor whose size or integer/floating/pointer class differs from the real C
# prototype fails the build, with a message naming the function and the parameter. The same check runs in the Maven
# build as SignatureCheckTest; this is the CMake route, e.g. on a GPU machine with cuDNN installed.
#
#   include(kernels/signature_check.cmake)       # in CMakeLists.txt, after project(); before any early return()
#   cmake -S . -B build/cmake -DGCGAN_SIGNATURE_CHECK=ON
#   cmake --build build/cmake --target gcgan_signature_check
#
# Needs a Java 22+ runtime (FindJava; set JAVA_HOME) and the bindings compiled first (mvn -pl bindings compile, or
# point GCGAN_BINDINGS_CLASSES at a bindings jar or class folder). Headers:
#   gcgan_kernels.h      always (kernels/include; no CUDA headers needed)
#   cuda_runtime_api.h   from CUDAToolkit_INCLUDE_DIRS when the CUDA toolkit is found
#   cublas_v2.h          from CUDAToolkit_INCLUDE_DIRS when present there
#   cudnn.h              from CUDNN_INCLUDE_DIR (a CMake or environment variable), $CUDNN_HOME/include or the toolkit
# A library whose header is missing is skipped with a status message.

option(GCGAN_SIGNATURE_CHECK "Check the Java FFM bindings against the C headers when building" OFF)
if(NOT GCGAN_SIGNATURE_CHECK)
  return()
endif()

get_filename_component(_gcgan_sc_root "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(GCGAN_BINDINGS_CLASSES "${_gcgan_sc_root}/bindings/target/classes" CACHE PATH
    "The compiled gcgan bindings (class folder or jar) that the signature check generator runs from")

find_package(Java 22 COMPONENTS Runtime QUIET)
if(NOT Java_JAVA_EXECUTABLE)
  message(WARNING "gcgan: GCGAN_SIGNATURE_CHECK=ON but no Java 22+ runtime was found (set JAVA_HOME): "
                  "the binding signature check is skipped")
  return()
endif()

if(IS_DIRECTORY "${GCGAN_BINDINGS_CLASSES}")
  set(_gcgan_sc_generator "${GCGAN_BINDINGS_CLASSES}/io/gcgan/bindings/SignatureCheck.class")
else()
  set(_gcgan_sc_generator "${GCGAN_BINDINGS_CLASSES}")
endif()
if(NOT EXISTS "${_gcgan_sc_generator}")
  message(WARNING "gcgan: GCGAN_SIGNATURE_CHECK=ON but the bindings are not compiled (${_gcgan_sc_generator} is "
                  "missing; run mvn -pl bindings compile, or set GCGAN_BINDINGS_CLASSES): the check is skipped")
  return()
endif()

# The libraries to check and their include folders.
set(_gcgan_sc_libraries gcgan_kernels)
set(_gcgan_sc_includes_gcgan_kernels "${_gcgan_sc_root}/kernels/include")

if(NOT CUDAToolkit_FOUND)
  find_package(CUDAToolkit QUIET)
endif()
if(CUDAToolkit_FOUND)
  find_path(GCGAN_CUDART_INCLUDE_DIR cuda_runtime_api.h HINTS ${CUDAToolkit_INCLUDE_DIRS} NO_DEFAULT_PATH)
  if(GCGAN_CUDART_INCLUDE_DIR)
    list(APPEND _gcgan_sc_libraries cudart)
    set(_gcgan_sc_includes_cudart ${CUDAToolkit_INCLUDE_DIRS})
  endif()
  find_path(GCGAN_CUBLAS_INCLUDE_DIR cublas_v2.h HINTS ${CUDAToolkit_INCLUDE_DIRS} NO_DEFAULT_PATH)
  if(GCGAN_CUBLAS_INCLUDE_DIR)
    list(APPEND _gcgan_sc_libraries cublas)
    set(_gcgan_sc_includes_cublas ${GCGAN_CUBLAS_INCLUDE_DIR} ${CUDAToolkit_INCLUDE_DIRS})
  else()
    message(STATUS "gcgan: cublas_v2.h not found in ${CUDAToolkit_INCLUDE_DIRS}: cuBLAS bindings not checked")
  endif()
  find_path(GCGAN_CUDNN_INCLUDE_DIR cudnn.h
            HINTS ${CUDNN_INCLUDE_DIR} ENV CUDNN_INCLUDE_DIR ENV CUDNN_HOME ENV CUDNN_PATH ${CUDAToolkit_INCLUDE_DIRS}
            PATH_SUFFIXES include)
  if(GCGAN_CUDNN_INCLUDE_DIR)
    list(APPEND _gcgan_sc_libraries cudnn)
    set(_gcgan_sc_includes_cudnn ${GCGAN_CUDNN_INCLUDE_DIR} ${CUDAToolkit_INCLUDE_DIRS})
  else()
    message(STATUS "gcgan: cudnn.h not found (set CUDNN_INCLUDE_DIR): cuDNN bindings not checked")
  endif()
else()
  message(STATUS "gcgan: no CUDA toolkit found: only the gcgan_kernels.h bindings are checked")
endif()

# library id -> binding class (relative to io/gcgan/bindings/), for the build dependencies
set(_gcgan_sc_class_gcgan_kernels kernels/GcganKernels)
set(_gcgan_sc_class_cudart cudart/CudaRuntime)
set(_gcgan_sc_class_cublas cublas/Cublas)
set(_gcgan_sc_class_cudnn cudnn/Cudnn)

add_custom_target(gcgan_signature_check ALL)
foreach(_lib IN LISTS _gcgan_sc_libraries)
  set(_cpp "${CMAKE_CURRENT_BINARY_DIR}/signature_check/${_lib}_signature_check.cpp")
  if(IS_DIRECTORY "${GCGAN_BINDINGS_CLASSES}")
    get_filename_component(_pkg "${_gcgan_sc_class_${_lib}}" DIRECTORY)
    set(_deps "${_gcgan_sc_generator}"
              "${GCGAN_BINDINGS_CLASSES}/io/gcgan/bindings/${_gcgan_sc_class_${_lib}}.class"
              "${GCGAN_BINDINGS_CLASSES}/io/gcgan/bindings/${_pkg}/symbols.txt")
  else()
    set(_deps "${GCGAN_BINDINGS_CLASSES}")
  endif()
  add_custom_command(
    OUTPUT "${_cpp}"
    COMMAND "${Java_JAVA_EXECUTABLE}" -cp "${GCGAN_BINDINGS_CLASSES}" io.gcgan.bindings.SignatureCheck ${_lib} "${_cpp}"
    COMMAND "${CMAKE_COMMAND}" -E touch_nocreate "${_cpp}"
    DEPENDS ${_deps}
    COMMENT "gcgan: generating the ${_lib} binding signature check"
    VERBATIM)
  # An object library that only compiles: the generated file holds nothing but static_asserts.
  add_library(gcgan_signature_check_${_lib} OBJECT "${_cpp}")
  target_include_directories(gcgan_signature_check_${_lib} PRIVATE ${_gcgan_sc_includes_${_lib}})
  target_compile_features(gcgan_signature_check_${_lib} PRIVATE cxx_std_17)
  target_compile_options(gcgan_signature_check_${_lib} PRIVATE
    $<$<CXX_COMPILER_ID:GNU,Clang>:-Wno-deprecated-declarations>)
  add_dependencies(gcgan_signature_check gcgan_signature_check_${_lib})
endforeach()
message(STATUS "gcgan: binding signature check for: ${_gcgan_sc_libraries}")
