# Sourced by scripts: finds a JDK 21+ and sets JAVA_HOME, PATH and MAVEN_OPTS for it.
FANLAB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAVA_HOME="$("$FANLAB_ROOT/scripts/find-jdk")" || exit 2
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
_major=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')
# JDK 23+ warns about sun.misc.Unsafe use inside Maven's own libraries; 17/21 refuse the flag, so add it only on 23+.
if [[ "$_major" -ge 23 ]]; then export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"; fi
export FANLAB_ROOT
