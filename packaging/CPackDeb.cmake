# CPack: a Debian package of what `cmake --install` installs, for Debian 12 (bookworm).
# Build it with packaging/check-deb.sh (which also checks it), or by hand from a configured tree:
#   cmake --build --preset release --target trainlab trainlab-cli
#   cpack --config build/release/CPackConfig.cmake
# The runtime Depends line is derived by dpkg-shlibdeps from the binaries' shared libraries, so it
# follows whatever Qt, LibTorch and SQLite the build linked against.

set(TRAINLAB_PACKAGE_MAINTAINER "TrainLab developers <trainlab@users.noreply.github.com>"
    CACHE STRING "Maintainer field of the Debian package (Name <email>)")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME trainlab)
set(CPACK_PACKAGE_VENDOR "TrainLab developers")
set(CPACK_PACKAGE_CONTACT "${TRAINLAB_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "desktop deep-learning training lab (LibTorch, Qt 6)")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/trainlab/trainlab")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DIRECTORY "${PROJECT_BINARY_DIR}/packages")
# Release builds carry no debug info, but strip anyway so a RelWithDebInfo tree packages small.
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${TRAINLAB_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The Fashion-MNIST experiments read the files this package installs.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS dataset-fashion-mnist)
# The extended description; CPack puts the summary above it and indents it as deb-control(5)
# wants (an empty line becomes a " ." paragraph break).
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "TrainLab assembles a dataset and a model, trains them with LibTorch in a
backend thread on the CPU or on every local GPU, runs grid, random and
Bayesian hyperparameter sweeps, and keeps every run's spec, metrics,
checkpoints and cost (device time, energy) in a SQLite workspace.

The package holds the trainlab window, the headless trainlab-cli and the
ready-made experiment specs in /usr/share/trainlab/experiments.")

include(CPack)
