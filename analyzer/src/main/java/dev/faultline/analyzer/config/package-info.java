/** The analyzer's one configuration type: every key typed, defaulted and documented. */
package dev.faultline.analyzer.config;
