# Installs h2::core with a CMake package (find_package(libh2)) and a pkg-config file.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS h2_core EXPORT libh2Targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY include/h2 DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT libh2Targets NAMESPACE h2:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/libh2)

configure_package_config_file(cmake/libh2Config.cmake.in
  ${PROJECT_BINARY_DIR}/libh2Config.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/libh2)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/libh2ConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/libh2Config.cmake ${PROJECT_BINARY_DIR}/libh2ConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/libh2)

configure_file(cmake/libh2.pc.in ${PROJECT_BINARY_DIR}/libh2.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/libh2.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

if(LIBH2_BUILD_TOOLS)
  install(TARGETS h2hpack RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
