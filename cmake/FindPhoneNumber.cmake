# FindPhoneNumber: Google's libphonenumber (C++), as Debian 12 ships it in
# libphonenumber-dev, which has neither a CMake config nor a .pc file
# (shared/toolchain.md §2).
#
# Provides the IMPORTED target smsotp::phonenumber. Its public headers use
# protobuf (PhoneNumber is a protobuf message), so the target links
# protobuf::libprotobuf; --as-needed drops it again if nothing uses it.

include(FindPackageHandleStandardArgs)

find_path(PhoneNumber_INCLUDE_DIR phonenumbers/phonenumberutil.h)
find_library(PhoneNumber_LIBRARY NAMES phonenumber)
find_package(Protobuf QUIET)

find_package_handle_standard_args(PhoneNumber
  REQUIRED_VARS PhoneNumber_LIBRARY PhoneNumber_INCLUDE_DIR Protobuf_FOUND
  REASON_FAILURE_MESSAGE "install libphonenumber-dev (Debian) or libphonenumber and protobuf")

if(PhoneNumber_FOUND AND NOT TARGET smsotp::phonenumber)
  add_library(smsotp::phonenumber UNKNOWN IMPORTED)
  set_target_properties(smsotp::phonenumber PROPERTIES
    IMPORTED_LOCATION "${PhoneNumber_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${PhoneNumber_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES protobuf::libprotobuf)
endif()
mark_as_advanced(PhoneNumber_INCLUDE_DIR PhoneNumber_LIBRARY)
