package dev.chatstream.loadtest.report;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small line chart drawn with Java2D (headless): numeric axes, linear or log10, several series
 * with markers, solid or dashed, and a legend. Enough for benchmark plots without a charting library.
 */
final class LineChart {
    private static final int WIDTH = 1060;
    private static final int HEIGHT = 560;
    private static final int LEFT = 90;
    private static final int RIGHT = 260;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;

    /** One line. */
    record Series(String name, Color color, boolean dashed, List<double[]> points) {
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final boolean logX;
    private final boolean logY;
    private final List<Series> series = new ArrayList<>();

    LineChart(String title, String xLabel, String yLabel, boolean logX, boolean logY) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.logX = logX;
        this.logY = logY;
    }

    LineChart add(Series s) {
        if (!s.points().isEmpty()) {
            List<double[]> sorted = new ArrayList<>(s.points());
            sorted.sort((a, b) -> Double.compare(a[0], b[0]));
            series.add(new Series(s.name(), s.color(), s.dashed(), sorted));
        }
        return this;
    }

    boolean isEmpty() {
        return series.isEmpty();
    }

    void write(Path file) throws IOException {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);

        double[] xr = range(0, logX);
        double[] yr = range(1, logY);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;

        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(Color.BLACK);
        g.drawString(title, LEFT, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));

        // Grid and tick labels.
        for (double tick : ticks(xr, logX)) {
            int x = LEFT + (int) Math.round(scale(tick, xr, logX) * plotW);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(x, TOP, x, TOP + plotH);
            g.setColor(Color.DARK_GRAY);
            String label = format(tick);
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, TOP + plotH + 18);
        }
        for (double tick : ticks(yr, logY)) {
            int y = TOP + plotH - (int) Math.round(scale(tick, yr, logY) * plotH);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(LEFT, y, LEFT + plotW, y);
            g.setColor(Color.DARK_GRAY);
            String label = format(tick);
            g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, plotW, plotH);
        g.drawString(xLabel, LEFT + plotW / 2 - g.getFontMetrics().stringWidth(xLabel) / 2, HEIGHT - 25);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(yLabel, -(TOP + plotH / 2 + g.getFontMetrics().stringWidth(yLabel) / 2), 25);
        rotated.dispose();

        // Lines and markers, then the legend on a white box over them.
        for (Series s : series) {
            g.setColor(s.color());
            g.setStroke(stroke(s));
            Path2D path = new Path2D.Double();
            boolean first = true;
            for (double[] p : s.points()) {
                double px = LEFT + scale(p[0], xr, logX) * plotW;
                double py = TOP + plotH - scale(p[1], yr, logY) * plotH;
                if (first) {
                    path.moveTo(px, py);
                    first = false;
                } else {
                    path.lineTo(px, py);
                }
                g.fillOval((int) px - 4, (int) py - 4, 8, 8);
            }
            g.draw(path);
        }
        int boxX = LEFT + plotW + 14;
        g.setColor(Color.WHITE);
        g.fillRect(boxX, TOP + 4, 234, 18 * series.size() + 6);
        g.setColor(Color.LIGHT_GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(boxX, TOP + 4, 234, 18 * series.size() + 6);
        int legendY = TOP + 20;
        for (Series s : series) {
            g.setColor(s.color());
            g.setStroke(stroke(s));
            g.drawLine(boxX + 8, legendY - 4, boxX + 38, legendY - 4);
            g.setColor(Color.BLACK);
            g.drawString(s.name(), boxX + 46, legendY);
            legendY += 18;
        }
        g.dispose();
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ImageIO.write(image, "png", file.toFile());
    }

    private static BasicStroke stroke(Series s) {
        return s.dashed()
                ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[]{7f, 5f}, 0f)
                : new BasicStroke(2f);
    }

    private double[] range(int axis, boolean log) {
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (Series s : series) {
            for (double[] p : s.points()) {
                if (log && p[axis] <= 0) {
                    continue;
                }
                min = Math.min(min, p[axis]);
                max = Math.max(max, p[axis]);
            }
        }
        if (min == Double.MAX_VALUE) {
            return new double[]{log ? 1 : 0, 10};
        }
        if (log) {
            return new double[]{Math.pow(10, Math.floor(Math.log10(min))), Math.pow(10, Math.ceil(Math.log10(max * 1.0001)))};
        }
        double hi = max <= 0 ? 1 : max * 1.1;
        return new double[]{Math.min(0, min), hi};
    }

    private static double scale(double v, double[] r, boolean log) {
        if (log) {
            double lv = Math.log10(Math.max(v, r[0]));
            return (lv - Math.log10(r[0])) / (Math.log10(r[1]) - Math.log10(r[0]));
        }
        return (v - r[0]) / (r[1] - r[0]);
    }

    private static List<Double> ticks(double[] r, boolean log) {
        List<Double> ticks = new ArrayList<>();
        if (log) {
            for (double t = r[0]; t <= r[1] * 1.0001; t *= 10) {
                ticks.add(t);
            }
            return ticks;
        }
        double step = niceStep((r[1] - r[0]) / 6);
        for (double t = Math.ceil(r[0] / step) * step; t <= r[1] + 1e-9; t += step) {
            ticks.add(t);
        }
        return ticks;
    }

    private static double niceStep(double raw) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double n = raw / magnitude;
        return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * magnitude;
    }

    private static String format(double v) {
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1_000_000) {
            return trim(v / 1_000_000) + "M";
        }
        if (a >= 1_000) {
            return trim(v / 1_000) + "k";
        }
        return trim(v);
    }

    private static String trim(double v) {
        if (v == Math.rint(v)) {
            return Long.toString((long) v);
        }
        String s = String.format(java.util.Locale.ROOT, "%.3f", v);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
