/**
 * The live web page the analyzer serves at {@code /}: the page itself is built from {@code
 * analyzer/web/} (npm and esbuild, at Maven's generate-resources) into the classes under {@code
 * dev/faultline/analyzer/web/static/}; {@link dev.faultline.analyzer.web.WebPage} serves it with
 * its content types and caching headers. The page reads only the public API.
 */
package dev.faultline.analyzer.web;
