# Cross toolchain for Debian's crossbuild-essential-<arch>. deploy/cross-build.sh passes
# AMPGATE_CROSS_TRIPLET and AMPGATE_CROSS_SYSROOT (the target's -dev packages, unpacked).
set(CMAKE_SYSTEM_NAME Linux)
# try_compile projects see these too.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES AMPGATE_CROSS_TRIPLET AMPGATE_CROSS_SYSROOT)
set(triplet ${AMPGATE_CROSS_TRIPLET})
string(REGEX MATCH "^[^-]+" CMAKE_SYSTEM_PROCESSOR ${triplet})
set(CMAKE_C_COMPILER ${triplet}-gcc)
set(CMAKE_CXX_COMPILER ${triplet}-g++)
set(CMAKE_STRIP ${triplet}-strip CACHE FILEPATH "")

set(CMAKE_FIND_ROOT_PATH ${AMPGATE_CROSS_SYSROOT} /usr/${triplet})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_LIBRARY_ARCHITECTURE ${triplet})

# pkg-config looks only at the target's .pc files and prefixes their paths with the sysroot.
set(ENV{PKG_CONFIG_LIBDIR} "${AMPGATE_CROSS_SYSROOT}/usr/lib/${triplet}/pkgconfig:${AMPGATE_CROSS_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} ${AMPGATE_CROSS_SYSROOT})

# Multiarch headers (openssl/opensslconf.h, which httplib.h pulls in) live in the target's
# own include folder, which the cross compiler does not search in an unpacked sysroot.
string(APPEND CMAKE_C_FLAGS_INIT " -isystem ${AMPGATE_CROSS_SYSROOT}/usr/include/${triplet}")
string(APPEND CMAKE_CXX_FLAGS_INIT " -isystem ${AMPGATE_CROSS_SYSROOT}/usr/include/${triplet}")

# The linker must find the libraries our libraries need (libssl for httplib, liblzma for
# libsystemd, ...) in the unpacked sysroot.
foreach(dir ${AMPGATE_CROSS_SYSROOT}/usr/lib/${triplet} ${AMPGATE_CROSS_SYSROOT}/lib/${triplet})
  string(APPEND CMAKE_EXE_LINKER_FLAGS_INIT " -Wl,-rpath-link,${dir}")
endforeach()
