# Condenses Maven's dependency download output into progress lines:
# one line per 10 jars ("30/57 jars") and one total, instead of a line per
# artifact. `total` (awk -v) is the expected jar count, from the pom.
# ANSI colour codes are stripped; BUILD and ERROR lines pass through.
function mb(bytes) { return sprintf("%.1f MB", bytes / 1048576) }
function size(text,    m, n, unit) {
  # "(6.5 MB at 12 MB/s)", "(512 kB at ...)", "(900 B at ...)"
  if (!match(text, /\(([0-9.]+) (B|kB|MB|GB) at /)) return 0
  m = substr(text, RSTART + 1, RLENGTH - 5)
  split(m, parts, " "); n = parts[1] + 0; unit = parts[2]
  if (unit == "kB") return n * 1024
  if (unit == "MB") return n * 1048576
  if (unit == "GB") return n * 1073741824
  return n
}
{
  gsub(/\033\[[0-9;]*[A-Za-z]/, "")
  if ($0 ~ /Downloaded from .*\.jar/) {
    jars += 1; bytes += size($0)
    if (jars % 10 == 0) { printf "[kafka] [mvn] %d/%s jars downloaded (%s)...\n", jars, (total ? total : "?"), mb(bytes); fflush() }
  } else if ($0 ~ /BUILD|ERROR/) {
    print "[kafka] [mvn] " $0; fflush()
  }
}
END { printf "[kafka] [mvn] %d jars downloaded, %s in total\n", jars, mb(bytes) }
