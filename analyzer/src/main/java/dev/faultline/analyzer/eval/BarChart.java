package dev.faultline.analyzer.eval;

import static java.util.Objects.requireNonNull;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A grouped bar chart (categories along x, one bar per series), drawn as SVG and as PNG with no
 * library beyond the JDK.
 *
 * @param title chart title
 * @param yLabel what the bars measure
 * @param categories the groups
 * @param series names of the bars in each group
 * @param values values[series][category]; NaN draws no bar
 * @param yMax top of the axis
 */
public record BarChart(
    String title,
    String yLabel,
    List<String> categories,
    List<String> series,
    double[][] values,
    double yMax) {
  private static final String[] COLORS = {"#2f6db5", "#e0892f", "#5b9f4a", "#b3403a", "#7b5ea7"};
  private static final int WIDTH = 900;
  private static final int HEIGHT = 420;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 50;
  private static final int BOTTOM = 110;

  public BarChart {
    requireNonNull(title, "title");
    categories = List.copyOf(categories);
    series = List.copyOf(series);
    if (values.length != series.size()) {
      throw new IllegalArgumentException("one row of values per series");
    }
  }

  public void write(Path svg, Path png) throws IOException {
    Files.writeString(svg, svg());
    ImageIO.write(png(), "png", png.toFile());
  }

  private double x(int category, int bar) {
    double group = (WIDTH - LEFT - RIGHT) / (double) Math.max(1, categories.size());
    double barWidth = group * 0.8 / Math.max(1, series.size());
    return LEFT + category * group + group * 0.1 + bar * barWidth;
  }

  private double barWidth() {
    double group = (WIDTH - LEFT - RIGHT) / (double) Math.max(1, categories.size());
    return group * 0.8 / Math.max(1, series.size());
  }

  private double y(double value) {
    double plot = HEIGHT - TOP - BOTTOM;
    return TOP + plot - plot * Math.max(0, Math.min(value, yMax)) / yMax;
  }

  String svg() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"Helvetica,Arial,sans-serif\">%n",
            WIDTH, HEIGHT));
    out.append(String.format("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
    out.append(
        String.format("<text x=\"%d\" y=\"28\" font-size=\"18\">%s</text>%n", LEFT, escape(title)));
    for (int tick = 0; tick <= 4; tick++) {
      double value = yMax * tick / 4;
      double y = y(value);
      out.append(
          String.format(
              "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
              LEFT, WIDTH - RIGHT, y, y));
      out.append(
          String.format(
              "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>%n",
              LEFT - 6, y + 4, format(value)));
    }
    out.append(
        String.format(
            "<text x=\"16\" y=\"%d\" font-size=\"12\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">%s</text>%n",
            TOP + (HEIGHT - TOP - BOTTOM) / 2, TOP + (HEIGHT - TOP - BOTTOM) / 2, escape(yLabel)));
    for (int s = 0; s < series.size(); s++) {
      for (int c = 0; c < categories.size(); c++) {
        double value = values[s][c];
        if (Double.isNaN(value)) {
          continue;
        }
        double top = y(value);
        out.append(
            String.format(
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s: %s</title></rect>%n",
                x(c, s),
                top,
                barWidth() - 2,
                y(0) - top,
                COLORS[s % COLORS.length],
                escape(series.get(s)),
                escape(categories.get(c)),
                format(value)));
      }
    }
    for (int c = 0; c < categories.size(); c++) {
      double cx = x(c, 0) + barWidth() * series.size() / 2;
      out.append(
          String.format(
              "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"end\" transform=\"rotate(-35 %.1f %d)\">%s</text>%n",
              cx, HEIGHT - BOTTOM + 16, cx, HEIGHT - BOTTOM + 16, escape(categories.get(c))));
    }
    for (int s = 0; s < series.size(); s++) {
      int lx = WIDTH - RIGHT - 220;
      int ly = 16 + s * 16;
      out.append(
          String.format(
              "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
              lx, ly, COLORS[s % COLORS.length]));
      out.append(
          String.format(
              "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>%n",
              lx + 18, ly + 10, escape(series.get(s))));
    }
    return out.append("</svg>\n").toString();
  }

  BufferedImage png() {
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 18));
    g.drawString(title, LEFT, 28);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    for (int tick = 0; tick <= 4; tick++) {
      double value = yMax * tick / 4;
      int y = (int) y(value);
      g.setColor(new Color(0xdd, 0xdd, 0xdd));
      g.setStroke(new BasicStroke(1));
      g.drawLine(LEFT, y, WIDTH - RIGHT, y);
      g.setColor(Color.BLACK);
      String label = format(value);
      g.drawString(label, LEFT - 6 - g.getFontMetrics().stringWidth(label), y + 4);
    }
    for (int s = 0; s < series.size(); s++) {
      g.setColor(Color.decode(COLORS[s % COLORS.length]));
      for (int c = 0; c < categories.size(); c++) {
        double value = values[s][c];
        if (Double.isNaN(value)) {
          continue;
        }
        int top = (int) y(value);
        g.fillRect((int) x(c, s), top, (int) barWidth() - 2, (int) y(0) - top);
      }
      g.fillRect(WIDTH - RIGHT - 220, 16 + s * 16, 12, 12);
      g.setColor(Color.BLACK);
      g.drawString(series.get(s), WIDTH - RIGHT - 202, 26 + s * 16);
    }
    g.setColor(Color.BLACK);
    for (int c = 0; c < categories.size(); c++) {
      Graphics2D rotated = (Graphics2D) g.create();
      double cx = x(c, 0) + barWidth() * series.size() / 2;
      rotated.rotate(Math.toRadians(-35), cx, HEIGHT - BOTTOM + 16);
      String label = categories.get(c);
      rotated.drawString(
          label, (int) cx - rotated.getFontMetrics().stringWidth(label), HEIGHT - BOTTOM + 16);
      rotated.dispose();
    }
    g.dispose();
    return image;
  }

  private static String format(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e6
        ? Long.toString((long) value)
        : String.format("%.2f", value);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
