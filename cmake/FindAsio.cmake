# Standalone Asio (Debian: libasio-dev) is header-only and ships no CMake or pkg-config file.
find_path(ASIO_INCLUDE_DIR asio.hpp)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Asio REQUIRED_VARS ASIO_INCLUDE_DIR)
if(Asio_FOUND AND NOT TARGET Asio::Asio)
  add_library(Asio::Asio INTERFACE IMPORTED)
  set_target_properties(Asio::Asio PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES ${ASIO_INCLUDE_DIR}
    INTERFACE_COMPILE_DEFINITIONS "ASIO_STANDALONE;ASIO_NO_DEPRECATED")
  find_package(Threads REQUIRED)
  target_link_libraries(Asio::Asio INTERFACE Threads::Threads)
endif()
