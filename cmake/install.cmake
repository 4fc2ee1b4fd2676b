# Installs h2::core and, when built, h2::runtime, with a CMake package
# (find_package(libh2 [COMPONENTS runtime])) and pkg-config files (libh2, libh2-runtime).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(LIBH2_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/libh2)
install(TARGETS h2_core EXPORT libh2CoreTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT libh2CoreTargets NAMESPACE h2:: DESTINATION ${LIBH2_CMAKE_DIR})
install(DIRECTORY include/h2 DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

if(LIBH2_BUILD_RUNTIME)
  install(TARGETS h2_runtime EXPORT libh2RuntimeTargets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(EXPORT libh2RuntimeTargets NAMESPACE h2:: DESTINATION ${LIBH2_CMAKE_DIR})
  configure_file(cmake/libh2-runtime.pc.in ${PROJECT_BINARY_DIR}/libh2-runtime.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/libh2-runtime.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
  if(LIBH2_BUILD_TOOLS)
    install(TARGETS h2serve h2get RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endif()

configure_package_config_file(cmake/libh2Config.cmake.in
  ${PROJECT_BINARY_DIR}/libh2Config.cmake
  INSTALL_DESTINATION ${LIBH2_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/libh2ConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/libh2Config.cmake ${PROJECT_BINARY_DIR}/libh2ConfigVersion.cmake
        DESTINATION ${LIBH2_CMAKE_DIR})

configure_file(cmake/libh2.pc.in ${PROJECT_BINARY_DIR}/libh2.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/libh2.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

if(LIBH2_BUILD_TOOLS)
  install(TARGETS h2hpack RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
