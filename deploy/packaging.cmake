# `cpack -G DEB` → ampgate_<version>_<arch>.deb: binary, example site file as a conffile,
# systemd unit, maintainer scripts that create the `ampgate` user and /var/lib/ampgate.
set(deploy ${PROJECT_SOURCE_DIR}/deploy)
# `cpack` installs what is built; it must not first build every test in the tree.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

install(FILES ${deploy}/systemd/ampgate.service DESTINATION /lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/examples/home-3phase-solar.yaml DESTINATION /etc/ampgate RENAME site.yaml)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION share/doc/ampgate)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/ DESTINATION share/doc/ampgate/examples)
install(FILES ${deploy}/udev/99-ampgate-rs485.rules DESTINATION share/doc/ampgate/udev)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ampgate)
set(CPACK_PACKAGE_VENDOR "ampgate")
set(CPACK_PACKAGE_CONTACT "ampgate maintainers <maintainers@ampgate.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Energy-management gateway for EV charging sites")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_WARN_ON_ABSOLUTE_INSTALL_DESTINATION OFF)
# Runtime packages named explicitly (not by dpkg-shlibdeps) so that a cross build for arm64
# or armhf, whose libraries are not installed on the build machine, gets the same list.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
  "libc6 (>= 2.36), libstdc++6 (>= 12), libmodbus5 (>= 3.1.6), libsqlite3-0 (>= 3.40), libyaml-cpp0.7, libcpp-httplib0.11, libsystemd0, libmosquitto1, adduser, procps")
if(NOT CPACK_DEBIAN_PACKAGE_ARCHITECTURE)
  execute_process(COMMAND dpkg --print-architecture OUTPUT_VARIABLE CPACK_DEBIAN_PACKAGE_ARCHITECTURE
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
endif()
configure_file(${deploy}/debian/conffiles ${CMAKE_BINARY_DIR}/debian/conffiles COPYONLY)
foreach(script postinst prerm postrm)
  configure_file(${deploy}/debian/${script} ${CMAKE_BINARY_DIR}/debian/${script} COPYONLY)
endforeach()
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${CMAKE_BINARY_DIR}/debian/conffiles ${CMAKE_BINARY_DIR}/debian/postinst
  ${CMAKE_BINARY_DIR}/debian/prerm ${CMAKE_BINARY_DIR}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
