# FindPhoneNumber: Google's libphonenumber (C++), as Debian 12 ships it in
# libphonenumber-dev, which has neither a CMake config nor a .pc file
# (shared/toolchain.md §2).
#
# Provides the IMPORTED target smsotp::phonenumber. Its public headers use
# protobuf (PhoneNumber is a protobuf message), so the target links
# protobuf::libprotobuf; --as-needed drops it again if nothing uses it.
#
# PhoneNumber_VERSION (for `smsotp --version`; the numbering metadata ships
# inside the library, so it is the metadata version too): the upstream
# version of the Debian package that owns the library ("8.12.57"), else
# the version in the library's file name ("8.12"), else "unknown".

include(FindPackageHandleStandardArgs)

find_path(PhoneNumber_INCLUDE_DIR phonenumbers/phonenumberutil.h)
find_library(PhoneNumber_LIBRARY NAMES phonenumber)
find_package(Protobuf QUIET)

set(PhoneNumber_VERSION "unknown")
if(PhoneNumber_LIBRARY)
  file(REAL_PATH "${PhoneNumber_LIBRARY}" _phonenumber_file)
  if(_phonenumber_file MATCHES "\\.so\\.([0-9.]+)$")
    set(PhoneNumber_VERSION "${CMAKE_MATCH_1}")
  endif()
  find_program(_phonenumber_dpkg_query dpkg-query)
  mark_as_advanced(_phonenumber_dpkg_query)
  if(_phonenumber_dpkg_query)
    execute_process(COMMAND ${_phonenumber_dpkg_query} -S ${_phonenumber_file}
                    OUTPUT_VARIABLE _phonenumber_owner ERROR_QUIET
                    RESULT_VARIABLE _phonenumber_status)
    if(_phonenumber_status EQUAL 0 AND _phonenumber_owner MATCHES "^([^:, ]+(:[a-z0-9]+)?): ")
      execute_process(COMMAND ${_phonenumber_dpkg_query} -W "-f=\${Version}"
                              ${CMAKE_MATCH_1}
                      OUTPUT_VARIABLE _phonenumber_package ERROR_QUIET
                      RESULT_VARIABLE _phonenumber_status)
      # "8.12.57+ds-3" -> "8.12.57": no epoch, repack suffix or revision.
      if(_phonenumber_status EQUAL 0 AND _phonenumber_package MATCHES "^([0-9]+:)?([0-9][0-9.]*)")
        set(PhoneNumber_VERSION "${CMAKE_MATCH_2}")
      endif()
    endif()
  endif()
endif()

find_package_handle_standard_args(PhoneNumber
  REQUIRED_VARS PhoneNumber_LIBRARY PhoneNumber_INCLUDE_DIR Protobuf_FOUND
  VERSION_VAR PhoneNumber_VERSION
  REASON_FAILURE_MESSAGE "install libphonenumber-dev (Debian) or libphonenumber and protobuf")

if(PhoneNumber_FOUND AND NOT TARGET smsotp::phonenumber)
  add_library(smsotp::phonenumber UNKNOWN IMPORTED)
  set_target_properties(smsotp::phonenumber PROPERTIES
    IMPORTED_LOCATION "${PhoneNumber_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${PhoneNumber_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES protobuf::libprotobuf)
endif()
mark_as_advanced(PhoneNumber_INCLUDE_DIR PhoneNumber_LIBRARY)
