# CPack runs this after staging the install and before building the .deb
# (CPACK_PRE_BUILD_SCRIPTS; the variables it sets reach the DEB generator).
# It does what debhelper would do for a package built from debian/:
#
# 1. Debian's layout. `cmake --install` puts the man page uncompressed and
#    the zsh completion in zsh/site-functions, which suit a local install;
#    a package's man pages are gzip -9n (policy 12.1) and Debian's zsh reads
#    packages' completions from zsh/vendor-completions (installed by the
#    "debian" component, see CMakeLists.txt), so the staged copies change.
#    CPack strips the ELF files (CPACK_STRIP_FILES); like dh_strip, this
#    also drops their .comment and .note sections (compiler versions).
#
# 2. Dependencies, from dpkg-shlibdeps. CPack's own dpkg-shlibdeps run
#    (CPACK_DEBIAN_PACKAGE_SHLIBDEPS) puts every library of every ELF file
#    in Depends. That is right for the executable, phone.so (libphonenumber:
#    every send, and a verify of a formatted number) and http.so (libcurl,
#    expat: every real provider), but postgresql.so is needed only by a
#    shared PostgreSQL store, and its libpq pulls in Kerberos and LDAP
#    libraries a single host never uses. So this runs dpkg-shlibdeps as
#    debhelper does for such a plugin (dh_shlibdeps -- -dRecommends): the
#    libraries of postgresql.so go to Recommends, which apt installs by
#    default; with --no-install-recommends a PostgreSQL location exits 70
#    naming libpq5, the package to install (core/module.hpp), and nothing
#    else is affected. Every other ELF file counts for Depends, so a new
#    module is a hard dependency until it is listed here.

if(NOT CPACK_GENERATOR STREQUAL "DEB")
  return()
endif()

set(_root "${CPACK_TEMPORARY_DIRECTORY}")
set(_prefix "${_root}${CPACK_PACKAGING_INSTALL_PREFIX}")

# 1. Layout.
file(GLOB _man_pages "${_prefix}/share/man/man*/*")
foreach(_page IN LISTS _man_pages)
  if(NOT _page MATCHES "[.]gz$")
    execute_process(COMMAND gzip -9nf "${_page}" COMMAND_ERROR_IS_FATAL ANY)
  endif()
endforeach()
file(REMOVE_RECURSE "${_prefix}/share/zsh/site-functions")
# The modules are in ${libdir}/smsotp: lib/smsotp, or lib/<multiarch>/smsotp
# when the build was configured with the prefix /usr.
file(GLOB_RECURSE _modules RELATIVE "${_root}" "${_prefix}/lib/*.so")
list(FILTER _modules INCLUDE REGEX "/smsotp/[^/]+[.]so$")
file(GLOB _executables RELATIVE "${_root}" "${_prefix}/bin/*")
if(NOT _executables OR NOT _modules)
  message(FATAL_ERROR "deb_prebuild: no executable or no module under ${_prefix}")
endif()
foreach(_file IN LISTS _executables _modules)
  execute_process(COMMAND strip --remove-section=.comment --remove-section=.note "${_root}/${_file}"
                  COMMAND_ERROR_IS_FATAL ANY)
endforeach()

# 2. Dependencies.
set(_recommended_modules postgresql.so)
set(_depends_files ${_executables})
set(_recommends_files)
foreach(_module IN LISTS _modules)
  get_filename_component(_name "${_module}" NAME)
  # (list(FIND): cpack reads this script with no policies set, so no IN_LIST)
  list(FIND _recommended_modules "${_name}" _index)
  if(_index GREATER -1)
    list(APPEND _recommends_files "${_module}")
  else()
    list(APPEND _depends_files "${_module}")
  endif()
endforeach()

# dpkg-shlibdeps wants a debian/control in its working directory (it reads
# nothing from it here); both are removed before packaging.
file(MAKE_DIRECTORY "${_root}/debian")
file(WRITE "${_root}/debian/control" "")
# The modules' references to smsotp's own functions (resolved from the
# executable when loaded) are reported as warnings: expected, not shown.
execute_process(
  COMMAND dpkg-shlibdeps -O -dDepends ${_depends_files}
          -dRecommends ${_recommends_files}
  WORKING_DIRECTORY "${_root}"
  OUTPUT_VARIABLE _substvars ERROR_VARIABLE _warnings RESULT_VARIABLE _status)
file(REMOVE_RECURSE "${_root}/debian")
if(NOT _status EQUAL 0)
  message(FATAL_ERROR "dpkg-shlibdeps failed (${_status}):\n${_warnings}")
endif()

foreach(_field IN ITEMS Depends Recommends)
  string(TOUPPER "${_field}" _upper)
  if(_substvars MATCHES "shlibs:${_field}=([^\n]*)")
    set(_found "${CMAKE_MATCH_1}")
    if(CPACK_DEBIAN_PACKAGE_${_upper})
      set(CPACK_DEBIAN_PACKAGE_${_upper} "${CPACK_DEBIAN_PACKAGE_${_upper}}, ${_found}")
    else()
      set(CPACK_DEBIAN_PACKAGE_${_upper} "${_found}")
    endif()
  endif()
endforeach()
message(STATUS "deb_prebuild: Depends: ${CPACK_DEBIAN_PACKAGE_DEPENDS}")
message(STATUS "deb_prebuild: Recommends: ${CPACK_DEBIAN_PACKAGE_RECOMMENDS}")
