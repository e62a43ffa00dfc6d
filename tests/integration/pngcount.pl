#!/usr/bin/env perl
# pngcount.pl - count pixels of a PNG screenshot, for pictures.t.
#
#   pngcount.pl FILE size
#       prints "WIDTH HEIGHT"
#   pngcount.pl FILE X0 Y0 X1 Y1 COLOUR TOL [X0 Y0 X1 Y1 COLOUR TOL ...]
#       for each box [X0,X1) x [Y0,Y1), prints how many pixels are within
#       TOL (per channel) of COLOUR (#rrggbb), or, for COLOUR "nonwhite",
#       how many differ from white by more than TOL in any channel.
#
# Reads what Chromium writes: 8-bit RGB or RGBA, not interlaced (anything
# else is refused, exit 2).  Perl's core Compress::Zlib inflates; the five
# PNG row filters are undone here.  No module outside Perl's core.
use strict;
use warnings;
use Compress::Zlib qw(uncompress);

sub fail { print STDERR "pngcount: $_[0]\n"; exit 2; }

my $file = shift @ARGV // fail("usage: pngcount.pl FILE size | FILE X0 Y0 X1 Y1 COLOUR TOL ...");
open(my $fh, '<:raw', $file) or fail("$file: $!");
my $png = do { local $/; <$fh> };
close $fh;
substr($png, 0, 8) eq "\x89PNG\r\n\x1a\n" or fail("$file: not a PNG");

my ($w, $h, $depth, $ctype, $interlace, $idat) = (0, 0, 0, 0, 0, '');
for (my $off = 8; $off + 12 <= length $png;) {
	my ($len, $type) = unpack('N a4', substr($png, $off, 8));
	length($png) - $off - 12 >= $len or fail("$file: chunk $type runs past the end");
	my $data = substr($png, $off + 8, $len);
	if ($type eq 'IHDR') {
		($w, $h, $depth, $ctype, undef, undef, $interlace) = unpack('N N C C C C C', $data);
	} elsif ($type eq 'IDAT') {
		$idat .= $data;
	}
	last if $type eq 'IEND';
	$off += 12 + $len;
}
$depth == 8 && ($ctype == 2 || $ctype == 6) && !$interlace
	or fail("$file: bit depth $depth, colour type $ctype, interlace $interlace: not read here");
if (@ARGV == 1 && $ARGV[0] eq 'size') {
	print "$w $h\n";
	exit 0;
}
@ARGV && @ARGV % 6 == 0 or fail("boxes are X0 Y0 X1 Y1 COLOUR TOL");

my $raw = uncompress($idat) // fail("$file: image data does not inflate");
my $bpp = $ctype == 6 ? 4 : 3;
my $stride = $w * $bpp;
length($raw) == $h * ($stride + 1) or fail("$file: image data is not $w x $h");

# The rows, unfiltered: one array of bytes each.
my @rows;
my @prev = (0) x $stride;
for my $y (0 .. $h - 1) {
	my $f = ord(substr($raw, $y * ($stride + 1), 1));
	my @cur = unpack('C*', substr($raw, $y * ($stride + 1) + 1, $stride));
	for my $i (0 .. $stride - 1) {
		my $a = $i >= $bpp ? $cur[$i - $bpp] : 0;
		my $b = $prev[$i];
		my $c = $i >= $bpp ? $prev[$i - $bpp] : 0;
		if ($f == 1) { $cur[$i] = ($cur[$i] + $a) & 255; }
		elsif ($f == 2) { $cur[$i] = ($cur[$i] + $b) & 255; }
		elsif ($f == 3) { $cur[$i] = ($cur[$i] + (($a + $b) >> 1)) & 255; }
		elsif ($f == 4) {
			my $p = $a + $b - $c;
			my ($pa, $pb, $pc) = (abs($p - $a), abs($p - $b), abs($p - $c));
			my $pr = $pa <= $pb && $pa <= $pc ? $a : $pb <= $pc ? $b : $c;
			$cur[$i] = ($cur[$i] + $pr) & 255;
		} elsif ($f != 0) {
			fail("$file: row $y has filter $f");
		}
	}
	push @rows, \@cur;
	@prev = @cur;
}

while (my ($x0, $y0, $x1, $y1, $colour, $tol) = splice(@ARGV, 0, 6)) {
	my @want;
	if ($colour ne 'nonwhite') {
		$colour =~ /^#([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})$/
			or fail("colour '$colour' is not #rrggbb or nonwhite");
		@want = (hex $1, hex $2, hex $3);
	}
	$x1 = $w if $x1 > $w;
	$y1 = $h if $y1 > $h;
	my $n = 0;
	for my $y ($y0 .. $y1 - 1) {
		my $r = $rows[$y];
		for my $x ($x0 .. $x1 - 1) {
			my @px = @$r[$x * $bpp .. $x * $bpp + 2];
			if (@want) {
				$n++ if abs($px[0] - $want[0]) <= $tol && abs($px[1] - $want[1]) <= $tol
				     && abs($px[2] - $want[2]) <= $tol;
			} else {
				$n++ if 255 - $px[0] > $tol || 255 - $px[1] > $tol || 255 - $px[2] > $tol;
			}
		}
	}
	print "$n\n";
}
