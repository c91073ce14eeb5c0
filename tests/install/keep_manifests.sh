# Sourced by the tests that run `cmake --install` or cpack on a build
# directory. Both overwrite BUILD_DIR/install_manifest*.txt, the list the
# README removes an install with, so the user's own is put back at exit
# (the ctest lock install_manifest keeps these tests apart).
#   keep_manifests BUILD_DIR WORK_DIR   saves them into WORK_DIR; at exit,
#                                       restores them and removes WORK_DIR
keep_manifests() {
  _km_build=$1
  _km_work=$2
  mkdir "$_km_work/manifests"
  cp -p "$_km_build"/install_manifest*.txt "$_km_work/manifests/" 2>/dev/null || true
  trap 'rm -f "$_km_build"/install_manifest*.txt
        cp -p "$_km_work"/manifests/* "$_km_build/" 2>/dev/null || true
        rm -rf "$_km_work"' EXIT
}
